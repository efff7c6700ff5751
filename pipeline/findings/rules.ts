/**
 * The decisions behind the report's claims: each verdict is a pure function of the numbers it
 * is shown with, by a named rule (easystats' `interpret_*` functions are the model: a label
 * chosen from a value by a cited rule, the wording kept apart in wording.ts). Tested per branch.
 */

/** The significance level every rule here uses. */
export const ALPHA = 0.05;
/** Categories need this many validation photos to enter the ranking. */
export const MIN_CATEGORY_PHOTOS = 10;
/** Spearman's rho is tested only over at least this many categories. */
export const MIN_CATEGORIES = 3;

/** Each rule's statement, as the findings file records it. */
export const RULES = {
  auc_interval: 'above chance iff the 95% bootstrap interval of ROC AUC lies wholly above 0.5',
  paired_difference: "a difference iff the paired 95% bootstrap interval of the two models' ROC AUC difference excludes 0",
  holm: "a cluster differs iff its Holm-adjusted p (Holm 1979, over the clustering's testable clusters) is below 0.05",
  permutation_95: 'clusters follow the category iff their purity exceeds the 95th percentile of purity under permuted cluster labels',
  spearman: "a ranking iff Spearman's rho over categories with at least 10 validation photos has a two-sided permutation p below 0.05 (sign gives its direction)",
  deletion: 'relies on the highlighted regions iff the 95% bootstrap interval of the mean paired drop difference (highlighted minus random) lies wholly above 0',
} as const;

export type ImageSignalVerdict = 'above_chance' | 'not_distinguishable_from_chance';
export function imageSignalVerdict(n: { ci95: [number, number] }): ImageSignalVerdict {
  return n.ci95[0] > 0.5 ? 'above_chance' : 'not_distinguishable_from_chance';
}

export type ImageVsMetadataVerdict = 'image_better' | 'metadata_better' | 'no_clear_difference';
/** `ci95` is the interval of network AUC minus metadata AUC. */
export function imageVsMetadataVerdict(n: { ci95: [number, number] }): ImageVsMetadataVerdict {
  return n.ci95[0] > 0 ? 'image_better' : n.ci95[1] < 0 ? 'metadata_better' : 'no_clear_difference';
}

export type ClusterSalesVerdict = 'some_clusters_differ' | 'no_cluster_differs';
export const differs = (p_holm: number | null) => p_holm !== null && p_holm < ALPHA;
export function clusterSalesVerdict(n: { clusters: { p_holm: number | null }[] }): ClusterSalesVerdict {
  return n.clusters.some((c) => differs(c.p_holm)) ? 'some_clusters_differ' : 'no_cluster_differs';
}

export type ClusterSemanticsVerdict = 'follows_category' | 'does_not_follow_category';
export function clusterSemanticsVerdict(n: { purity: number; null_p95: number }): ClusterSemanticsVerdict {
  return n.purity > n.null_p95 ? 'follows_category' : 'does_not_follow_category';
}

export type CategoryRankingVerdict = 'tracks_sell_through' | 'reverses_sell_through' | 'no_clear_ranking' | 'too_few_categories';
export function categoryRankingVerdict(n: { categories: number; rho: number | null; p: number | null }): CategoryRankingVerdict {
  if (n.categories < MIN_CATEGORIES) return 'too_few_categories';
  // A constant score or sell-through has no ranking (rho undefined).
  if (n.rho === null || n.p === null || !Number.isFinite(n.rho) || n.p >= ALPHA) return 'no_clear_ranking';
  return n.rho > 0 ? 'tracks_sell_through' : 'reverses_sell_through';
}

export type GradcamRelianceVerdict = 'relies_on_highlighted_regions' | 'no_evidence_of_reliance';
export function gradcamRelianceVerdict(n: { ci95: [number, number] | null }): GradcamRelianceVerdict {
  return n.ci95 !== null && n.ci95[0] > 0 ? 'relies_on_highlighted_regions' : 'no_evidence_of_reliance';
}

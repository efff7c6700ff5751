/**
 * The sentences of the findings: one template per verdict, filled with the numbers exactly as
 * the page prints them (the site's own number filters), plus a short headline per verdict for
 * the list that opens the report. A template never claims more than its verdict: "sells more"
 * only for a cluster that differs after Holm's correction, "related to the category" only above
 * the permutation threshold.
 */
import type * as R from './rules.ts';
import { count, f2, p, pct, points } from './format.ts';

/** "a", "a and b", "a, b and c". */
export function listing(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A permutation p at its floor says so: 1,000 draws cannot give less than 1/1,001. */
function permutationP(value: number, draws: number): string {
  return draws > 0 && value <= 1 / (draws + 1) + 1e-12 ? `p = ${p(value)}, the smallest ${count(draws)} random draws can give` : `p = ${p(value)}`;
}

export interface ImageSignalNumbers { roc_auc: number; ci95: [number, number]; photos: number; set: string; ceiling_auc: number | null; recovered: number | null }
export function imageSignalSentence(v: R.ImageSignalVerdict, n: ImageSignalNumbers): string {
  const auc = `ROC AUC on the ${count(n.photos)} ${n.set} photos (the chance that it scores a random sold listing above a random unsold one; 0.50 is guessing) is ${f2(n.roc_auc)}, 95% interval ${f2(n.ci95[0])} to ${f2(n.ci95[1])}`;
  const ceiling = n.ceiling_auc === null ? '' : n.recovered === null
    ? ` A model that knew each listing's simulated chance of selling would score ${f2(n.ceiling_auc)} on the same photos.`
    : ` A model that knew each listing's simulated chance of selling would score ${f2(n.ceiling_auc)} on the same photos, so the network covers about ${pct(n.recovered)} of the distance from guessing to that.`;
  if (v === 'above_chance') return `The photo alone predicts the sale better than chance: the network's ${auc}.${ceiling}`;
  const where = n.ci95[1] < 0.5 ? 'lies wholly below 0.50, so the network does no better than guessing' : 'includes 0.50';
  return `The photo alone does not predict the sale better than chance here: the network's ${auc}, and the interval ${where}.${ceiling}`;
}

export interface ImageVsMetadataNumbers { network_auc: number; metadata_auc: number; difference: number; ci95: [number, number]; photos: number; columns: string[]; built_in: string[] }
export function imageVsMetadataSentence(v: R.ImageVsMetadataVerdict, n: ImageVsMetadataNumbers): string {
  const aucs = `ROC AUC ${f2(n.network_auc)} for the photo against ${f2(n.metadata_auc)} for the listing's details`;
  const interval = `paired 95% interval of the difference ${f2(n.ci95[0])} to ${f2(n.ci95[1])}`;
  const head =
    v === 'image_better'
      ? `The photo predicts the sale better than the listing's details alone (${aucs}; ${interval}; ${count(n.photos)} photos).`
      : v === 'metadata_better'
        ? `The listing's details predict the sale better than the photo (${aucs}; ${interval}; ${count(n.photos)} photos).`
        : `On these ${count(n.photos)} photos it cannot be told whether the photo or the listing's details predict the sale better (${aucs}; the ${interval} includes 0).`;
  const tail = n.built_in.length === 0 ? '' : ` The simulated sale was drawn from the listing's ${listing(n.built_in)}, which the details model sees, so any lead it has is built in.`;
  return head + tail;
}

export interface ClusterSalesNumbers { label: string; k: number; overall_rate: number; testable: number; clusters: { name: string; size: number; sold_rate: number; rest_rate: number | null; p_holm: number | null }[] }
export function clusterSalesSentence(v: R.ClusterSalesVerdict, n: ClusterSalesNumbers, differs: (p: number | null) => boolean): string {
  if (v === 'some_clusters_differ') {
    const named = n.clusters.filter((c) => differs(c.p_holm)).map((c) => `${c.name} sells ${c.sold_rate > (c.rest_rate ?? n.overall_rate) ? 'more' : 'less'} often (${pct(c.sold_rate)} of its ${count(c.size)} photos sold, against ${pct(c.rest_rate ?? n.overall_rate)} of the others; Holm-adjusted p = ${p(c.p_holm!)})`);
    const which = named.length === 1 ? 'one sells differently from the rest' : `${count(named.length)} sell differently from the rest`;
    return `Of the ${count(n.k)} ${n.label} clusters, ${which} once the ${count(n.testable)} comparisons are corrected for (Holm): ${listing(named)}.`;
  }
  if (n.testable === 0) return `None of the ${count(n.k)} ${n.label} clusters could be tested for a difference in how often its listings sell (each has every listing or none sold, or no other cluster to compare with).`;
  const rates = n.clusters.map((c) => c.sold_rate);
  const smallest = Math.min(...n.clusters.filter((c) => c.p_holm !== null).map((c) => c.p_holm!));
  return `No ${n.label} cluster sells differently from the rest once the ${count(n.testable)} comparisons are corrected for (Holm): the shares sold run from ${pct(Math.min(...rates))} to ${pct(Math.max(...rates))} around ${pct(n.overall_rate)} overall, and the smallest adjusted p is ${p(smallest)}.`;
}

export interface ClusterSemanticsNumbers { label: string; purity: number; null_mean: number; null_p95: number; p: number; draws: number }
export function clusterSemanticsSentence(v: R.ClusterSemanticsVerdict, n: ClusterSemanticsNumbers): string {
  const share = `a cluster's most common garment category holds on average ${pct(n.purity)} of its photos, against ${pct(n.null_mean)} when the same photos are dealt to clusters at random (95th percentile of ${count(n.draws)} random deals ${pct(n.null_p95)}; ${permutationP(n.p, n.draws)})`;
  return v === 'follows_category'
    ? `The ${n.label} clusters are related to the garment category more than chance would make them: ${share}.`
    : `The ${n.label} clusters are not related to the garment category beyond chance: ${share}.`;
}

export interface CategoryRankingNumbers { categories: number; min_photos: number; set: string; rho: number | null; p: number | null; method: string; score_range: [number, number] | null; sold_range: [number, number] | null }
export function categoryRankingSentence(v: R.CategoryRankingVerdict, n: CategoryRankingNumbers): string {
  const over = `Across the ${count(n.categories)} garment categories with at least ${n.min_photos} ${n.set} photos`;
  if (v === 'too_few_categories') return `Only ${count(n.categories)} ${n.categories === 1 ? 'category has' : 'categories have'} at least ${n.min_photos} ${n.set} photos, too few to test whether the network ranks categories by how well they sell.`;
  const stats = n.rho !== null && Number.isFinite(n.rho) ? `Spearman's rank correlation ${f2(n.rho)}, where 1 is the same order and 0 none; ${n.method} p = ${p(n.p!)}` : 'the scores or the shares sold do not vary, so there is no ranking';
  const squeeze = n.score_range && n.sold_range ? ` Its mean scores run from ${pct(n.score_range[0])} to ${pct(n.score_range[1])}, the shares actually sold from ${pct(n.sold_range[0])} to ${pct(n.sold_range[1])}.` : '';
  if (v === 'tracks_sell_through') return `${over}, the network's mean predicted chance of selling ranks them in broadly the order they actually sell (${stats}).${squeeze}`;
  if (v === 'reverses_sell_through') return `${over}, the network's mean predicted chance of selling ranks them in broadly the reverse of the order they actually sell (${stats}).${squeeze}`;
  return `${over}, the network's mean predicted chance of selling does not clearly follow how well they actually sell (${stats}).`;
}

export interface GradcamRelianceNumbers { method: string; photos: number; set: string; fraction: number; cam_drop: number; random_drop: number; difference: number; ci95: [number, number] | null; correct: [number, number] | null; wrong: [number, number] | null }
export function gradcamRelianceSentence(v: R.GradcamRelianceVerdict, n: GradcamRelianceNumbers): string {
  const share = pct(n.fraction);
  const drops = `blurring the ${share} of each photo that ${n.method} marks lowers the network's confidence in its answer by ${points(n.cam_drop)} percentage points on average, against ${points(n.random_drop)} for a random ${share}`;
  const interval = n.ci95 ? `difference ${points(n.difference)}, 95% interval ${points(n.ci95[0])} to ${points(n.ci95[1])}` : `difference ${points(n.difference)}, too few photos for an interval`;
  const photos = `${count(n.photos)} ${n.set} photos`;
  const split = [n.correct ? `${points(n.correct[0])} against ${points(n.correct[1])} for right predictions` : null, n.wrong ? `${points(n.wrong[0])} against ${points(n.wrong[1])} for wrong ones` : null].filter((s) => s !== null);
  const bySide = split.length === 2 ? ` Separately: ${split.join(', ')}.` : '';
  return v === 'relies_on_highlighted_regions'
    ? `The regions ${n.method} highlights matter to the network more than random ones: ${drops} (${interval}; ${photos}).${bySide}`
    : `There is no evidence that the regions ${n.method} highlights matter to the network more than others: ${drops} (${interval}; ${photos}).${bySide}`;
}

/** The opening list's lead-in for each verdict. */
export const HEADLINES: Record<string, string> = {
  above_chance: 'The photo predicts the sale.',
  not_distinguishable_from_chance: 'No better than guessing.',
  image_better: 'The photo beats the listing details.',
  metadata_better: 'The listing details beat the photo.',
  no_clear_difference: 'Photo and listing details: no clear winner.',
  some_clusters_differ: 'Some clusters sell differently.',
  no_cluster_differs: 'No cluster sells differently.',
  follows_category: 'Clusters partly follow the garment.',
  does_not_follow_category: 'Clusters do not follow the garment.',
  tracks_sell_through: 'Categories ranked as they sell.',
  reverses_sell_through: 'Categories ranked in reverse.',
  no_clear_ranking: 'No clear ranking of categories.',
  too_few_categories: 'Too few categories to rank.',
  relies_on_highlighted_regions: 'Grad-CAM points at regions that matter.',
  no_evidence_of_reliance: 'Grad-CAM regions matter no more than others.',
};

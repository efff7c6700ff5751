/**
 * The sentences of the findings: one template per verdict, filled with the numbers exactly as
 * the page prints them (the site's own number filters). A template never claims more than its
 * verdict: "sells more" only for a cluster that differs after Holm's correction, "follows the
 * category" only above the permutation threshold.
 */
import type * as R from './rules.ts';
import { count, f2, p, pct, points } from './format.ts';

/** "a", "a and b", "a, b and c". */
export function listing(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export interface ImageSignalNumbers { roc_auc: number; ci95: [number, number]; photos: number; set: string; ceiling_auc: number | null; recovered: number | null }
export function imageSignalSentence(v: R.ImageSignalVerdict, n: ImageSignalNumbers): string {
  const auc = `ROC AUC on the ${count(n.photos)} ${n.set} photos is ${f2(n.roc_auc)} (95% interval ${f2(n.ci95[0])} to ${f2(n.ci95[1])})`;
  const ceiling = n.ceiling_auc === null ? '' : n.recovered === null
    ? ` The simulation's own chances of selling reach ${f2(n.ceiling_auc)} on the same photos, the most any model could.`
    : ` The simulation's own chances of selling reach ${f2(n.ceiling_auc)} on the same photos, the most any model could, so the network recovers ${pct(n.recovered)} of the reachable margin above chance.`;
  if (v === 'above_chance') return `The photo alone predicts the sale better than chance: the network's ${auc}, above the 0.50 of guessing.${ceiling}`;
  const where = n.ci95[1] < 0.5 ? 'lies wholly below 0.50, so the network does no better than guessing' : 'includes 0.50, the score of guessing';
  return `The photo alone does not predict the sale better than chance here: the network's ${auc}, and the interval ${where}.${ceiling}`;
}

export interface ImageVsMetadataNumbers { network_auc: number; metadata_auc: number; difference: number; ci95: [number, number]; photos: number; columns: string[]; built_in: string[] }
export function imageVsMetadataSentence(v: R.ImageVsMetadataVerdict, n: ImageVsMetadataNumbers): string {
  const aucs = `ROC AUC ${f2(n.network_auc)} for the photo against ${f2(n.metadata_auc)} for the metadata`;
  const interval = `paired 95% interval of the difference ${f2(n.ci95[0])} to ${f2(n.ci95[1])}, ${count(n.photos)} photos`;
  const head =
    v === 'image_better'
      ? `The photo predicts the sale better than the listing's metadata alone (${aucs}; ${interval}).`
      : v === 'metadata_better'
        ? `The listing's metadata predicts the sale better than the photo (${aucs}; ${interval}).`
        : `The photo and the listing's metadata cannot be told apart as predictors of the sale (${aucs}; the ${interval}, includes 0).`;
  const columns = n.built_in.map((c) => `"${c}"`);
  const tail = columns.length === 0 ? '' : ` The simulated sale was drawn from ${listing(columns)}, which the metadata model sees, so any lead it has is built in.`;
  return head + tail;
}

export interface ClusterSalesNumbers { label: string; k: number; overall_rate: number; testable: number; clusters: { name: string; sold_rate: number; p_holm: number | null }[] }
export function clusterSalesSentence(v: R.ClusterSalesVerdict, n: ClusterSalesNumbers, differs: (p: number | null) => boolean): string {
  const overall = `${pct(n.overall_rate)} overall`;
  if (v === 'some_clusters_differ') {
    const named = n.clusters.filter((c) => differs(c.p_holm)).map((c) => `${c.name} ${c.sold_rate > n.overall_rate ? 'sells more often' : 'sells less often'} (${pct(c.sold_rate)} sold; Holm-adjusted p = ${p(c.p_holm!)})`);
    const which = named.length === 1 ? 'one cluster differs from the rest' : `${count(named.length)} clusters differ from the rest`;
    return `Among the ${count(n.k)} ${n.label} clusters, ${which} in how often its listings sell after correcting for the ${count(n.testable)} comparisons: ${listing(named)}, against ${overall}.`;
  }
  if (n.testable === 0) return `None of the ${count(n.k)} ${n.label} clusters could be tested for a difference in sell-through (each has every listing or none sold, or no other cluster to compare with).`;
  const rates = n.clusters.map((c) => c.sold_rate);
  const smallest = Math.min(...n.clusters.filter((c) => c.p_holm !== null).map((c) => c.p_holm!));
  return `No ${n.label} cluster's sell-through differs from the rest once the ${count(n.testable)} comparisons are corrected (Holm): the shares sold run from ${pct(Math.min(...rates))} to ${pct(Math.max(...rates))} around ${overall}, and the smallest adjusted p is ${p(smallest)}.`;
}

export interface ClusterSemanticsNumbers { label: string; purity: number; null_mean: number; null_p95: number; p: number; draws: number }
export function clusterSemanticsSentence(v: R.ClusterSemanticsVerdict, n: ClusterSemanticsNumbers): string {
  const share = `on average ${pct(n.purity)} of a cluster's photos share its most common garment category, against ${pct(n.null_mean)} when photos are dealt to clusters at random (95th percentile ${pct(n.null_p95)}; permutation p = ${p(n.p)})`;
  return v === 'follows_category'
    ? `The ${n.label} clusters follow the garment category: ${share}.`
    : `The ${n.label} clusters do not follow the garment category beyond chance: ${share}.`;
}

export interface CategoryRankingNumbers { categories: number; min_photos: number; set: string; rho: number | null; p: number | null; method: string }
export function categoryRankingSentence(v: R.CategoryRankingVerdict, n: CategoryRankingNumbers): string {
  const over = `Across the ${count(n.categories)} garment categories with at least ${n.min_photos} ${n.set} photos`;
  if (v === 'too_few_categories') return `Only ${count(n.categories)} ${n.categories === 1 ? 'category has' : 'categories have'} at least ${n.min_photos} ${n.set} photos, too few to test whether the network ranks categories by how well they sell.`;
  const stats = n.rho !== null && Number.isFinite(n.rho) ? `Spearman's rank correlation ${f2(n.rho)}, ${n.method} p = ${p(n.p!)}` : 'the scores or the shares sold do not vary, so there is no ranking';
  if (v === 'tracks_sell_through') return `${over}, the network's mean predicted chance of selling ranks them in the order they actually sell (${stats}).`;
  if (v === 'reverses_sell_through') return `${over}, the network's mean predicted chance of selling ranks them in the reverse of the order they actually sell (${stats}).`;
  return `${over}, the network's mean predicted chance of selling does not clearly follow how well they actually sell (${stats}).`;
}

export interface GradcamRelianceNumbers { photos: number; set: string; fraction: number; cam_drop: number; random_drop: number; difference: number; ci95: [number, number] | null }
export function gradcamRelianceSentence(v: R.GradcamRelianceVerdict, n: GradcamRelianceNumbers): string {
  const share = pct(n.fraction);
  const drops = `blurring the ${share} of each photo's pixels that Grad-CAM marks lowers the predicted outcome's probability by ${points(n.cam_drop)} points on average, against ${points(n.random_drop)} for a random ${share}`;
  const interval = n.ci95 ? `difference ${points(n.difference)} points, 95% interval ${points(n.ci95[0])} to ${points(n.ci95[1])}` : `difference ${points(n.difference)} points, too few photos for an interval`;
  const photos = `${count(n.photos)} ${n.set} photos`;
  return v === 'relies_on_highlighted_regions'
    ? `The network relies on the regions Grad-CAM highlights: ${drops} (${interval}; ${photos}).`
    : `There is no evidence that the network relies on the regions Grad-CAM highlights more than on others: ${drops} (${interval}; ${photos}).`;
}

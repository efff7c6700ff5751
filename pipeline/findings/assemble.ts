/**
 * The findings from the other stages' data: for each claim, its numbers, the verdict its rule
 * decides from them, and the sentence worded from both. Pure. A finding is present whenever the
 * stages it needs wrote their data.
 */
import type { BaselinesData, ClusterData, EvaluateData, Finding, GradcamData } from '../contracts.ts';
import * as R from './rules.ts';
import * as W from './wording.ts';
import { spearman } from './spearman.ts';

export interface FindingsInputs {
  evaluate: EvaluateData;
  baselines: BaselinesData | null;
  clusters: ClusterData[];
  gradcam: GradcamData | null;
  /** Columns the simulated label was drawn from (empty for real labels). */
  simulated_from: string[];
  seed: number;
}

const LABELS = { resnet: 'ResNet', clip: 'CLIP' } as const;

/** A finding from its decided parts; the headline follows from the verdict. */
function finding(f: Omit<Finding, 'headline'>): Finding {
  const headline = W.HEADLINES[f.verdict] ?? '';
  return { ...f, headline: f.source ? `${LABELS[f.source]}: ${headline}` : headline };
}

function imageSignal(evaluate: EvaluateData, baselines: BaselinesData | null): Finding | null {
  if (evaluate.roc_auc === null || !evaluate.ci95.roc_auc) return null;
  const ceiling = baselines?.ceiling?.roc_auc ?? null;
  const recovered = ceiling !== null && ceiling > 0.5 ? (evaluate.roc_auc - 0.5) / (ceiling - 0.5) : null;
  const numbers: W.ImageSignalNumbers = { roc_auc: evaluate.roc_auc, ci95: evaluate.ci95.roc_auc, photos: evaluate.images, set: evaluate.set, ceiling_auc: ceiling, recovered };
  const verdict = R.imageSignalVerdict(numbers);
  return finding({ id: 'image_signal', source: null, verdict, rule: R.RULES.auc_interval, sentence: W.imageSignalSentence(verdict, numbers), section: 'results', numbers: { ...numbers } });
}

function imageVsMetadata(baselines: BaselinesData | null, simulatedFrom: string[]): Finding | null {
  const d = baselines?.image_vs_metadata;
  if (!d || !baselines?.metadata) return null;
  const seen = new Set(baselines.metadata.columns);
  const numbers: W.ImageVsMetadataNumbers = { network_auc: d.network_auc, metadata_auc: d.metadata_auc, difference: d.difference, ci95: d.ci95, photos: d.photos, columns: baselines.metadata.columns, built_in: simulatedFrom.filter((c) => seen.has(c)) };
  const verdict = R.imageVsMetadataVerdict(numbers);
  return finding({ id: 'image_vs_metadata', source: null, verdict, rule: `${R.RULES.paired_difference} (${d.method}, ${d.resamples} resamples)`, sentence: W.imageVsMetadataSentence(verdict, numbers), section: 'baselines', numbers: { ...numbers, resamples: d.resamples } });
}

function clusterSales(c: ClusterData): Finding {
  // The rest's rate: the test compares a cluster with the other clusters together.
  const rows = c.clusters.map((s) => ({ cluster: s.cluster, name: s.name, size: s.size, sold_rate: s.sold_rate, rest_rate: s.difference === null ? null : s.sold_rate - s.difference, p_holm: s.p_holm, testable: s.testable }));
  const numbers: W.ClusterSalesNumbers = { label: LABELS[c.source], k: c.k, overall_rate: c.overall_rate, testable: rows.filter((r) => r.testable).length, clusters: rows };
  const verdict = R.clusterSalesVerdict(numbers);
  return finding({ id: 'cluster_sales', source: c.source, verdict, rule: R.RULES.holm, sentence: W.clusterSalesSentence(verdict, numbers, R.differs), section: `sales-${c.source}`, numbers: { ...numbers, clusters: rows } });
}

function clusterSemantics(c: ClusterData): Finding | null {
  if (!c.semantics) return null;
  const numbers: W.ClusterSemanticsNumbers = { label: LABELS[c.source], ...c.semantics };
  const verdict = R.clusterSemanticsVerdict(numbers);
  return finding({ id: 'cluster_semantics', source: c.source, verdict, rule: R.RULES.permutation_95, sentence: W.clusterSemanticsSentence(verdict, numbers), section: `clusters-${c.source}`, numbers: { ...numbers, photos: c.semantics.photos } });
}

function categoryRanking(evaluate: EvaluateData, seed: number): Finding | null {
  if (evaluate.by_category.length === 0) return null;
  const kept = evaluate.by_category.filter((c) => c.images >= R.MIN_CATEGORY_PHOTOS);
  const test = kept.length >= R.MIN_CATEGORIES ? spearman(kept.map((c) => c.mean_score), kept.map((c) => c.sold_rate), seed) : null;
  const numbers: W.CategoryRankingNumbers = {
    categories: kept.length,
    min_photos: R.MIN_CATEGORY_PHOTOS,
    set: evaluate.set,
    rho: test && Number.isFinite(test.rho) ? test.rho : null,
    p: test ? test.p : null,
    method: test?.method === 'exact' ? 'exact permutation' : 'permutation',
    score_range: kept.length ? [Math.min(...kept.map((c) => c.mean_score)), Math.max(...kept.map((c) => c.mean_score))] : null,
    sold_range: kept.length ? [Math.min(...kept.map((c) => c.sold_rate)), Math.max(...kept.map((c) => c.sold_rate))] : null,
  };
  const verdict = R.categoryRankingVerdict(numbers);
  const rows = kept.map((c) => ({ category: c.category, photos: c.images, mean_score: c.mean_score, sold_rate: c.sold_rate }));
  return finding({ id: 'category_ranking', source: null, verdict, rule: R.RULES.spearman, sentence: W.categoryRankingSentence(verdict, numbers), section: 'by-category', numbers: { ...numbers, draws: test?.draws ?? 0, rows } });
}

function gradcamReliance(gradcam: GradcamData | null, set: string): Finding | null {
  const group = (name: string) => gradcam?.deletion?.groups.find((g) => g.group === name);
  const all = group('all');
  if (!gradcam?.deletion || !all || all.photos === 0) return null;
  const drops = (g: ReturnType<typeof group>): [number, number] | null => (g && g.photos > 0 ? [g.cam_drop, g.random_drop] : null);
  const numbers: W.GradcamRelianceNumbers = { method: gradcam.deletion.method, photos: all.photos, set, fraction: gradcam.deletion.fraction, cam_drop: all.cam_drop, random_drop: all.random_drop, difference: all.difference, ci95: all.ci95, correct: drops(group('correct')), wrong: drops(group('wrong')) };
  const verdict = R.gradcamRelianceVerdict(numbers);
  return finding({ id: 'gradcam_reliance', source: null, verdict, rule: R.RULES.deletion, sentence: W.gradcamRelianceSentence(verdict, numbers), section: 'gradcam-check', numbers: { ...numbers } });
}

export function assembleFindings(inputs: FindingsInputs): Finding[] {
  // In the report's order: results, Grad-CAM, the clusterings, the baselines.
  const found: (Finding | null)[] = [
    imageSignal(inputs.evaluate, inputs.baselines),
    categoryRanking(inputs.evaluate, inputs.seed),
    gradcamReliance(inputs.gradcam, inputs.evaluate.set),
    ...inputs.clusters.flatMap((c) => [clusterSemantics(c), clusterSales(c)]),
    imageVsMetadata(inputs.baselines, inputs.simulated_from),
  ];
  return found.filter((f): f is Finding => f !== null);
}

/**
 * The findings' rules and wording: every verdict reached from made-up numbers, every sentence
 * read in its branch (no "sells more" without a significant difference, no "follows the
 * category" below the permutation threshold), and the statistics against their references.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as R from '../pipeline/findings/rules.ts';
import * as W from '../pipeline/findings/wording.ts';
import { spearman } from '../pipeline/findings/spearman.ts';
import { pairedAucDifference } from '../pipeline/baselines/paired.ts';
import { assembleFindings } from '../pipeline/findings/assemble.ts';
import { interpret } from '../pipeline/findings/interpretation.ts';
import type { BaselinesData, ClusterData, EvaluateData, GradcamData } from '../pipeline/contracts.ts';

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/findings-reference.json', import.meta.url), 'utf8'));

test('image signal: above chance iff the interval lies above 0.5; the sentence says which', () => {
  const base = { roc_auc: 0.63, photos: 280, set: 'validation', ceiling_auc: null, recovered: null };
  assert.equal(R.imageSignalVerdict({ ci95: [0.57, 0.69] }), 'above_chance');
  assert.equal(R.imageSignalVerdict({ ci95: [0.5, 0.69] }), 'not_distinguishable_from_chance');
  assert.equal(R.imageSignalVerdict({ ci95: [0.3, 0.45] }), 'not_distinguishable_from_chance');
  const above = W.imageSignalSentence('above_chance', { ...base, ci95: [0.57, 0.69] });
  assert.match(above, /better than chance: the network's ROC AUC on the 280 validation photos \(the chance that it scores a random sold listing above a random unsold one; 0\.50 is guessing\) is 0\.63, 95% interval 0\.57 to 0\.69\.$/);
  const none = W.imageSignalSentence('not_distinguishable_from_chance', { ...base, roc_auc: 0.52, ci95: [0.45, 0.59] });
  assert.match(none, /does not predict the sale better than chance/);
  assert.match(none, /and the interval includes 0\.50\.$/);
  assert.doesNotMatch(none, /predicts the sale better/);
  const below = W.imageSignalSentence('not_distinguishable_from_chance', { ...base, roc_auc: 0.38, ci95: [0.3, 0.45] });
  assert.match(below, /wholly below 0\.50/);
  const ceiling = W.imageSignalSentence('above_chance', { ...base, ci95: [0.57, 0.69], ceiling_auc: 0.73, recovered: 0.56 });
  assert.match(ceiling, /would score 0\.73 on the same photos, so the network covers about 56% of the distance from guessing to that\.$/);
});

test('image vs metadata: the paired interval decides; a simulated label drawn from the metadata is named', () => {
  assert.equal(R.imageVsMetadataVerdict({ ci95: [0.01, 0.09] }), 'image_better');
  assert.equal(R.imageVsMetadataVerdict({ ci95: [-0.09, -0.01] }), 'metadata_better');
  assert.equal(R.imageVsMetadataVerdict({ ci95: [-0.11, 0.04] }), 'no_clear_difference');
  assert.equal(R.imageVsMetadataVerdict({ ci95: [0, 0.04] }), 'no_clear_difference');
  const n = { network_auc: 0.63, metadata_auc: 0.67, difference: -0.04, ci95: [-0.11, 0.04] as [number, number], photos: 280, columns: ['category', 'price'], built_in: [] as string[] };
  assert.match(W.imageVsMetadataSentence('image_better', { ...n, ci95: [0.01, 0.09] }), /^The photo predicts the sale better than the listing's details alone/);
  assert.match(W.imageVsMetadataSentence('metadata_better', { ...n, ci95: [-0.09, -0.01] }), /^The listing's details predict the sale better than the photo/);
  const tie = W.imageVsMetadataSentence('no_clear_difference', n);
  assert.match(tie, /^On these 280 photos it cannot be told whether the photo or the listing's details predict the sale better/);
  assert.match(tie, /-0\.11 to 0\.04/);
  assert.doesNotMatch(tie.replace('predict the sale better (', ''), /better|higher|built in/);
  assert.match(W.imageVsMetadataSentence('no_clear_difference', { ...n, built_in: ['category', 'price'] }), /drawn from the listing's category and price, which the details model sees, so any lead it has is built in\.$/);
});

const clusters = (ps: (number | null)[], rates: number[]) => ps.map((p_holm, i) => ({ name: `C${i}`, size: 20, sold_rate: rates[i]!, rest_rate: 0.5 - (rates[i]! - 0.5) / 4, p_holm }));

test('cluster sales: only a Holm p below 0.05 differs, and only such a cluster sells "more" or "less"', () => {
  assert.equal(R.clusterSalesVerdict({ clusters: clusters([0.2, 0.049], [0.5, 0.7]) }), 'some_clusters_differ');
  assert.equal(R.clusterSalesVerdict({ clusters: clusters([0.2, 0.05], [0.5, 0.7]) }), 'no_cluster_differs');
  assert.equal(R.clusterSalesVerdict({ clusters: clusters([null, null], [1, 0]) }), 'no_cluster_differs');
  const base = { label: 'ResNet', k: 3, overall_rate: 0.5, testable: 3 };
  const some = W.clusterSalesSentence('some_clusters_differ', { ...base, clusters: clusters([0.6, 0.01, 0.03], [0.62, 0.76, 0.3]) }, R.differs);
  assert.match(some, /^Of the 3 ResNet clusters, 2 sell differently from the rest once the 3 comparisons are corrected for \(Holm\)/);
  assert.match(some, /C1 sells more often \(76% of its 20 photos sold, against 44% of the others; Holm-adjusted p = 0\.0100\) and C2 sells less often \(30% of its 20 photos sold, against 55% of the others; Holm-adjusted p = 0\.0300\)\.$/);
  assert.doesNotMatch(some, /C0/, 'a cluster that does not differ is not named');
  const one = W.clusterSalesSentence('some_clusters_differ', { ...base, clusters: clusters([0.6, 0.01, 0.3], [0.62, 0.76, 0.3]) }, R.differs);
  assert.match(one, /, one sells differently from the rest/);
  const none = W.clusterSalesSentence('no_cluster_differs', { ...base, clusters: clusters([0.21, 0.6, 0.9], [0.41, 0.62, 0.5]) }, R.differs);
  assert.match(none, /^No ResNet cluster sells differently from the rest/);
  assert.match(none, /from 41% to 62% around 50% overall, and the smallest adjusted p is 0\.2100/);
  assert.doesNotMatch(none, /more|less often|higher|stands out/);
  const untestable = W.clusterSalesSentence('no_cluster_differs', { ...base, testable: 0, clusters: clusters([null, null, null], [1, 0, 1]) }, R.differs);
  assert.match(untestable, /could be tested/);
});

test('cluster semantics: follows the category only above the permutation 95th percentile', () => {
  assert.equal(R.clusterSemanticsVerdict({ purity: 0.44, null_p95: 0.21 }), 'follows_category');
  assert.equal(R.clusterSemanticsVerdict({ purity: 0.21, null_p95: 0.21 }), 'does_not_follow_category');
  const n = { label: 'CLIP', purity: 0.44, null_mean: 0.18, null_p95: 0.21, p: 1 / 1001, draws: 1000 };
  assert.match(W.clusterSemanticsSentence('follows_category', n), /^The CLIP clusters are related to the garment category more than chance would make them: a cluster's most common garment category holds on average 44% .* against 18% .* \(95th percentile of 1,000 random deals 21%; p = 0\.0010, the smallest 1,000 random draws can give\)\.$/);
  const not = W.clusterSemanticsSentence('does_not_follow_category', { ...n, purity: 0.2, p: 0.4 });
  assert.match(not, /are not related to the garment category beyond chance/);
  assert.match(not, /; p = 0\.4000\)/);
  assert.doesNotMatch(not, /more than chance/);
});

test('category ranking: Spearman decides, its sign gives the direction; too few categories are said so', () => {
  assert.equal(R.categoryRankingVerdict({ categories: 2, rho: 1, p: 0 }), 'too_few_categories');
  assert.equal(R.categoryRankingVerdict({ categories: 12, rho: 0.8, p: 0.003 }), 'tracks_sell_through');
  assert.equal(R.categoryRankingVerdict({ categories: 12, rho: -0.8, p: 0.003 }), 'reverses_sell_through');
  assert.equal(R.categoryRankingVerdict({ categories: 12, rho: 0.3, p: 0.05 }), 'no_clear_ranking');
  assert.equal(R.categoryRankingVerdict({ categories: 5, rho: null, p: null }), 'no_clear_ranking');
  const n = { categories: 12, min_photos: 10, set: 'validation', rho: 0.8, p: 0.0028, method: 'permutation', score_range: [0.4, 0.59] as [number, number], sold_range: [0.22, 0.81] as [number, number] };
  assert.match(W.categoryRankingSentence('tracks_sell_through', n), /ranks them in broadly the order they actually sell \(Spearman's rank correlation 0\.80, where 1 is the same order and 0 none; permutation p = 0\.0028\)\. Its mean scores run from 40% to 59%, the shares actually sold from 22% to 81%\.$/);
  assert.match(W.categoryRankingSentence('reverses_sell_through', { ...n, rho: -0.8 }), /reverse of the order/);
  const none = W.categoryRankingSentence('no_clear_ranking', { ...n, rho: 0.2, p: 0.5 });
  assert.match(none, /does not clearly follow/);
  assert.match(W.categoryRankingSentence('no_clear_ranking', { ...n, rho: null, p: null }), /do not vary/);
  assert.match(W.categoryRankingSentence('too_few_categories', { ...n, categories: 1 }), /^Only 1 category has at least 10/);
});

test('Grad-CAM reliance: the interval of the paired drop difference must lie above 0', () => {
  assert.equal(R.gradcamRelianceVerdict({ ci95: [0.002, 0.013] }), 'relies_on_highlighted_regions');
  assert.equal(R.gradcamRelianceVerdict({ ci95: [-0.003, 0.01] }), 'no_evidence_of_reliance');
  assert.equal(R.gradcamRelianceVerdict({ ci95: null }), 'no_evidence_of_reliance');
  const n = { method: 'Grad-CAM', photos: 280, set: 'test', fraction: 0.2, cam_drop: 0.0169, random_drop: 0.0092, difference: 0.0077, ci95: [0.0021, 0.0134] as [number, number], correct: [0.0146, 0.0108] as [number, number], wrong: [0.0203, 0.007] as [number, number] };
  assert.match(W.gradcamRelianceSentence('relies_on_highlighted_regions', n), /^The regions Grad-CAM highlights matter to the network more than random ones: .* by 1\.7 percentage points on average, against 0\.9 for a random 20% \(difference 0\.8, 95% interval 0\.2 to 1\.3; 280 test photos\)\. Separately: 1\.5 against 1\.1 for right predictions, 2\.0 against 0\.7 for wrong ones\.$/);
  assert.match(W.gradcamRelianceSentence('no_evidence_of_reliance', { ...n, ci95: [-0.003, 0.01], wrong: null }), /^There is no evidence that the regions Grad-CAM highlights matter to the network more than others: .*\)\.$/);
  assert.match(W.gradcamRelianceSentence('no_evidence_of_reliance', { ...n, ci95: null }), /too few photos for an interval/);
  // The method tested is named: the first of gradcam.methods.
  assert.match(W.gradcamRelianceSentence('relies_on_highlighted_regions', { ...n, method: 'Grad-CAM++' }), /^The regions Grad-CAM\+\+ highlights .* of each photo that Grad-CAM\+\+ marks/);
});

test("Spearman's rho and its permutation p equal scipy's (exact up to 8 points, Monte Carlo beyond)", () => {
  for (const c of reference.spearman) {
    const r = spearman(c.x, c.y);
    assert.ok(Math.abs(r.rho - c.rho) < 1e-12, `rho ${r.rho} vs ${c.rho}`);
    if (c.exact) assert.ok(Math.abs(r.p - c.p) < 1e-12, `exact p ${r.p} vs ${c.p}`);
    else assert.ok(Math.abs(r.p - c.p) < 0.04, `permutation p ${r.p} vs ${c.p}`);
  }
  assert.deepEqual(spearman([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 1, 2, 5, 4, 7, 6, 9, 8, 10], 3), spearman([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 1, 2, 5, 4, 7, 6, 9, 8, 10], 3), 'seeded');
  assert.equal(spearman([1, 1, 1, 1], [1, 2, 3, 4]).p, 1, 'a constant variable has no ranking');
});

test('the paired AUC difference and its interval equal the NumPy + scikit-learn bootstrap', () => {
  const c = reference.paired_auc;
  const r = pairedAucDifference(c.y, c.a, c.b);
  assert.ok(Math.abs(r.difference - c.difference) < 1e-12);
  assert.ok(Math.abs(r.ci95[0] - c.ci95[0]) < 1e-12 && Math.abs(r.ci95[1] - c.ci95[1]) < 1e-12, `${r.ci95} vs ${c.ci95}`);
});

// ---- assembled from stage data: verdicts agree with the numbers they are shown with ----

function evaluateData(auc: number, ci: [number, number], byCategory: EvaluateData['by_category'] = []): EvaluateData {
  return { roc_auc: auc, ci95: { accuracy: [0.5, 0.6], f1_macro: [0.5, 0.6], roc_auc: ci }, images: 100, report: { accuracy: 0.55 }, by_category: byCategory } as unknown as EvaluateData;
}
const cluster = (source: 'resnet' | 'clip', ps: (number | null)[], semantics: ClusterData['semantics']) =>
  ({ source, k: ps.length, overall_rate: 0.5, semantics, clusters: ps.map((p_holm, i) => ({ cluster: i, name: `<b>${source}${i}</b>`, size: 10, sold_rate: 0.4 + i / 10, difference: i === 0 ? -0.1 : 0.1, p_holm, testable: p_holm !== null })) }) as unknown as ClusterData;

test('assembled findings: one per claim whose stage ran, each verdict its rule applied to its own numbers', () => {
  const categories = Array.from({ length: 6 }, (_, i) => ({ category: `c${i}`, images: 12, accuracy: 0.5, sold_rate: i / 10, mean_score: 0.4 + i / 50 }));
  const baselines = { metadata: { columns: ['category', 'brand'] }, image_vs_metadata: { method: 'paired bootstrap', network_auc: 0.6, metadata_auc: 0.7, difference: -0.1, ci95: [-0.2, -0.01], resamples: 1000, photos: 100 }, ceiling: null } as unknown as BaselinesData;
  const gradcam = { deletion: { method: 'Grad-CAM', fraction: 0.2, groups: [{ group: 'all', photos: 100, cam_drop: 0.02, random_drop: 0.01, difference: 0.01, ci95: [-0.001, 0.02] }] } } as unknown as GradcamData;
  const findings = assembleFindings({
    evaluate: evaluateData(0.6, [0.52, 0.68], categories),
    baselines,
    clusters: [cluster('resnet', [0.01, 0.5], { purity: 0.3, photos: 20, draws: 1000, null_mean: 0.25, null_p95: 0.35, p: 0.2 }), cluster('clip', [0.4, null], null)],
    gradcam,
    simulated_from: ['category', 'price'],
    seed: 0,
  });
  const ids = findings.map((f) => `${f.id}${f.source ? `:${f.source}` : ''}`);
  assert.deepEqual(ids, ['image_signal', 'category_ranking', 'gradcam_reliance', 'cluster_semantics:resnet', 'cluster_sales:resnet', 'cluster_sales:clip', 'image_vs_metadata']);
  const by = (id: string) => findings.find((f) => `${f.id}${f.source ? `:${f.source}` : ''}` === id)!;
  assert.equal(by('image_signal').verdict, 'above_chance');
  assert.equal(by('category_ranking').verdict, 'tracks_sell_through');
  assert.equal(by('category_ranking').numbers.method, 'exact permutation');
  assert.equal(by('image_vs_metadata').verdict, 'metadata_better');
  assert.deepEqual(by('image_vs_metadata').numbers.built_in, ['category'], 'only drawn-from columns the model sees');
  assert.equal(by('gradcam_reliance').verdict, 'no_evidence_of_reliance');
  assert.equal(by('cluster_semantics:resnet').verdict, 'does_not_follow_category');
  assert.equal(by('cluster_sales:resnet').verdict, 'some_clusters_differ');
  assert.match(by('cluster_sales:resnet').sentence, /<b>resnet0<\/b> sells less often \(40% of its 10 photos sold, against 50% of the others/, 'names are carried verbatim (the page escapes them)');
  assert.equal(by('cluster_sales:resnet').headline, 'ResNet: Some clusters sell differently.');
  assert.equal(by('image_signal').headline, 'The photo predicts the sale.');
  assert.equal(by('cluster_sales:clip').verdict, 'no_cluster_differs');
  for (const f of findings) assert.ok(f.rule.length > 0 && f.section.length > 0 && f.headline.length > 0 && f.sentence.endsWith('.'), f.id);

  const paragraphs = interpret({ findings, accuracy: 0.55, accuracy_ci95: [0.5, 0.6], simulated: true, clip_ran: true, study: { accuracy: 0.53, f1_macro: 0.51, validation_images: 12500, conclusion: 'the photo alone is a weak guide' } });
  assert.ok(paragraphs.length >= 3 && paragraphs.length <= 6, `${paragraphs.length} paragraphs`);
  assert.match(paragraphs[0]!, /On this data it does/);
  assert.match(paragraphs[0]!, /follow the categories' sell-through/);
  assert.match(paragraphs[3]!, /should be read with care/);
  assert.match(paragraphs[2]!, /are not organised by garment category more than chance would make them, and <b>resnet0<\/b> sells less often than the rest\. Among the CLIP clusters, none of them sells differently/);
  assert.match(paragraphs[1]!, /\(its category and brand\) predicts the sale better than the photo does/);
  assert.match(paragraphs[1]!, /computed from category\.$/);
  assert.match(paragraphs.at(-1)!, /published study reported an accuracy of 0\.53 .* concluded that the photo alone is a weak guide\. This build's accuracy is 0\.55 .* simulated/);
  assert.doesNotMatch(paragraphs.at(-1)!, /CLIP part/);
  assert.match(interpret({ findings, accuracy: 0.55, accuracy_ci95: [0.5, 0.6], simulated: true, clip_ran: false, study: { accuracy: 0.53, f1_macro: 0.51, validation_images: 12500, conclusion: 'x' } }).at(-1)!, /could not rerun the CLIP part/);
});

test('no signal: the findings say so, and the Interpretation does not claim one', () => {
  const findings = assembleFindings({
    evaluate: evaluateData(0.51, [0.42, 0.6], Array.from({ length: 4 }, (_, i) => ({ category: `c${i}`, images: 20, accuracy: 0.5, sold_rate: [0.5, 0.4, 0.6, 0.45][i]!, mean_score: [0.5, 0.52, 0.49, 0.51][i]! }))),
    baselines: null,
    clusters: [cluster('resnet', [0.6, 0.9, 1], { purity: 0.3, photos: 40, draws: 1000, null_mean: 0.31, null_p95: 0.36, p: 0.6 })],
    gradcam: null,
    simulated_from: [],
    seed: 0,
  });
  assert.deepEqual(findings.map((f) => f.verdict), ['not_distinguishable_from_chance', 'no_clear_ranking', 'does_not_follow_category', 'no_cluster_differs']);
  const paragraphs = interpret({ findings, accuracy: 0.5, accuracy_ci95: [0.42, 0.58], simulated: false, clip_ran: true, study: { accuracy: 0.53, f1_macro: 0.51, validation_images: 12500, conclusion: 'x' } });
  assert.ok(paragraphs.length >= 3, `${paragraphs.length}`);
  assert.match(paragraphs[0]!, /Not on this data/);
  assert.doesNotMatch(paragraphs.join(' '), /sells (more|less) often|partly organised|simulated/);
});

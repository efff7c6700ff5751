/**
 * `baselines`: two comparisons beyond the study, on the same split and with the same report.
 *  - a metadata-only model (logistic regression on what the manifest says: category, brand,
 *    price...), compared with the network on the same photos by a paired bootstrap;
 *  - a linear probe on CLIP embeddings (logistic regression on the training photos' L2-normalised
 *    embeddings): does a general-purpose representation beat the fine-tuned CNN?
 * With simulated labels whose probability is in the manifest, that probability's own ROC AUC (the
 * ceiling any model could reach); the column is never a feature. Writes `_data/baselines.json`.
 */
import type { StageDefinition } from '../stage-types.ts';
import type { BaselinesData } from '../contracts.ts';
import { readEmbeddings } from '../embed/store.ts';
import { evaluatePredictions } from '../evaluate/evaluate.ts';
import { fitLogistic, predictProbability } from './logistic.ts';
import { metadataFeatures } from './metadata.ts';
import { normaliseRow } from '../cluster/distances.ts';
import { bootstrapIntervals } from '../evaluate/bootstrap.ts';
import { rocAuc } from '../evaluate/metrics.ts';
import { pairedAucDifference } from './paired.ts';
import { scoredListings } from '../data/split.ts';
import * as msg from '../core/messages.ts';

function summary(name: string, evaluation: ReturnType<typeof evaluatePredictions>) {
  return {
    name,
    accuracy: evaluation.report.accuracy,
    f1_macro: evaluation.report['macro avg']['f1-score'],
    roc_auc: evaluation.roc_auc,
    ci95: evaluation.ci95,
    report: evaluation.report,
  };
}

function normalise(row: Float32Array): Float32Array {
  const copy = Float32Array.from(row);
  normaliseRow(copy);
  return copy;
}

export const baselinesStage: StageDefinition = {
  name: 'baselines',
  doc: { reads: "the split's metadata, the CLIP embeddings, evaluate's report", writes: '`_data/baselines.json`: a metadata-only logistic regression and a CLIP linear probe beside the network' },
  version: 5,
  after: ['dataset', 'evaluate', 'embed-clip'],
  config: (c) => ({ columns: c.dataset.columns, exclude: c.baselines.exclude, simulated: c.dataset.simulated_labels, simulation: c.dataset.simulation }),
  async run(ctx) {
    const { config } = ctx;
    const split = await ctx.read('split');
    const yTrain = split.train.map((l) => (l.label === 'sold' ? 1 : 0));
    const scored = scoredListings(split);
    const yValidation = scored.map((l) => (l.label === 'sold' ? 1 : 0));

    // The simulation's probability is the answer itself: no model may see it.
    const probability = config.dataset.simulation.probability;
    const space = metadataFeatures(split.train, [config.dataset.columns.group, config.dataset.columns.sold_at, 'sold_at', ...config.baselines.exclude, ...(probability ? [probability] : [])]);
    for (const column of space.separating(yTrain)) {
      ctx.logger.warn(msg.separatingColumn(column));
    }
    // The network's score for each validation listing, by id (the cache's order is its own).
    const network = new Map((await ctx.read('predictions')).predictions.map((p) => [p.id, p.score]));
    const networkScores = scored.map((l) => network.get(l.id) ?? Number.NaN);
    const paired = networkScores.every(Number.isFinite);
    const bothClasses = new Set(yValidation).size === 2;

    let metadata: BaselinesData['metadata'] = null;
    let imageVsMetadata: BaselinesData['image_vs_metadata'] = null;
    if (space.names.length > 0) {
      const model = fitLogistic(split.train.map(space.encode), yTrain);
      const scores = scored.map((l) => predictProbability(model, space.encode(l)));
      metadata = { ...summary('metadata only', evaluatePredictions(yValidation, { scores })), features: space.names, columns: space.columns, excluded: config.baselines.exclude };
      if (paired && bothClasses) {
        const d = pairedAucDifference(yValidation, networkScores, scores);
        imageVsMetadata = { method: 'paired bootstrap', network_auc: d.a, metadata_auc: d.b, difference: d.difference, ci95: d.ci95, resamples: d.resamples, photos: d.photos };
      }
    }

    let ceiling: BaselinesData['ceiling'] = null;
    if (config.dataset.simulated_labels && probability && bothClasses) {
      const truth = scored.map((l) => Number(l.extra[probability]));
      if (truth.every((p) => Number.isFinite(p) && p >= 0 && p <= 1)) {
        const ci = bootstrapIntervals(yValidation, truth.map((p) => (p >= 0.5 ? 1 : 0)), truth).roc_auc;
        ceiling = { column: probability, roc_auc: rocAuc(yValidation, truth), ci95: ci, photos: truth.length };
      } else {
        ctx.logger.warn(msg.probabilityColumnUnusable(probability));
      }
    }

    let clipProbe: BaselinesData['clip_probe'] = null;
    if (ctx.exists('embeddings:clip') && ctx.exists('embeddings:clip-train')) {
      const train = await readEmbeddings(ctx.path('embeddings:clip-train'));
      const validation = await readEmbeddings(ctx.path('embeddings:clip'));
      const model = fitLogistic(train.rows.map(normalise), train.index.labels);
      const scores = validation.rows.map((r) => predictProbability(model, normalise(r)));
      clipProbe = summary('CLIP linear probe', evaluatePredictions(validation.index.labels, { scores }));
    }

    const evaluate = await ctx.read('data:evaluate');
    const resnet = summary('fine-tuned ResNet', { ...evaluate, warnings: [] });
    const models = [resnet, clipProbe, metadata].filter((m): m is NonNullable<typeof m> => m !== null);
    const rows = models.flatMap((m) => [
      { model: m.name, metric: 'accuracy', value: m.accuracy, lo: m.ci95.accuracy[0], hi: m.ci95.accuracy[1] },
      { model: m.name, metric: 'macro F1', value: m.f1_macro, lo: m.ci95.f1_macro[0], hi: m.ci95.f1_macro[1] },
      ...(m.roc_auc !== null && m.ci95.roc_auc ? [{ model: m.name, metric: 'ROC AUC', value: m.roc_auc, lo: m.ci95.roc_auc[0], hi: m.ci95.roc_auc[1] }] : []),
    ]);
    // One metric for every model: AUC and accuracy are not on one scale.
    const best_by = models.every((m) => m.roc_auc !== null) ? 'roc_auc' : 'accuracy';
    const score = (m: (typeof models)[number]) => (best_by === 'roc_auc' ? m.roc_auc! : m.accuracy);
    const best = models.reduce((a, b) => (score(b) > score(a) ? b : a)).name;
    const data: BaselinesData = { resnet, metadata, clip_probe: clipProbe, models, rows, image_vs_metadata: imageVsMetadata, ceiling, best, best_by };
    await ctx.writeData('baselines', data);
    ctx.logger.info(`  ${models.map((m) => `${m.name}: accuracy ${m.accuracy.toFixed(3)}, AUC ${m.roc_auc?.toFixed(3) ?? 'n/a'}`).join('; ')}`);
  },
};

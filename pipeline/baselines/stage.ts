/**
 * `baselines`: two comparisons beyond the study, on the same split and with the same report.
 *  - a metadata-only model (logistic regression on what the manifest says: category, brand,
 *    price...): the honest control for "the photo alone";
 *  - a linear probe on CLIP embeddings (logistic regression on the training photos' L2-normalised
 *    embeddings): does a general-purpose representation beat the fine-tuned CNN?
 * Writes `_data/baselines.json`.
 */
import type { StageDefinition } from '../stages.ts';
import type { BaselinesData } from '../contracts.ts';
import { readEmbeddings } from '../embed/store.ts';
import { evaluatePredictions } from '../evaluate/evaluate.ts';
import { fitLogistic, predictProbability } from './logistic.ts';
import { metadataFeatures } from './metadata.ts';
import { normaliseRow } from '../cluster/kmeans.ts';
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
  version: 4,
  after: ['dataset', 'evaluate', 'embed-clip'],
  config: (c) => ({ columns: c.dataset.columns, exclude: c.baselines.exclude }),
  async run(ctx) {
    const { config } = ctx;
    const split = await ctx.read('split');
    const yTrain = split.train.map((l) => (l.label === 'sold' ? 1 : 0));
    const yValidation = split.validation.map((l) => (l.label === 'sold' ? 1 : 0));

    const space = metadataFeatures(split.train, [config.dataset.columns.group, config.dataset.columns.sold_at, 'sold_at', ...config.baselines.exclude]);
    for (const column of space.separating(yTrain)) {
      ctx.logger.warn(msg.separatingColumn(column));
    }
    let metadata: BaselinesData['metadata'] = null;
    if (space.names.length > 0) {
      const model = fitLogistic(split.train.map(space.encode), yTrain);
      const scores = split.validation.map((l) => predictProbability(model, space.encode(l)));
      metadata = { ...summary('metadata only', evaluatePredictions(yValidation, { scores })), features: space.names, columns: space.columns, excluded: config.baselines.exclude };
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
    const data: BaselinesData = { resnet, metadata, clip_probe: clipProbe, models, rows, best, best_by };
    await ctx.writeData('baselines', 3, data);
    ctx.logger.info(`  ${models.map((m) => `${m.name}: accuracy ${m.accuracy.toFixed(3)}, AUC ${m.roc_auc?.toFixed(3) ?? 'n/a'}`).join('; ')}`);
  },
};

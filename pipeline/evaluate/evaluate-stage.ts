/**
 * `evaluate`: the trained model on the validation images. Writes `_data/evaluate.json` (the
 * classification report, confusion matrix, ROC, AUC, bootstrap intervals, per-category
 * accuracy) and `<cache>/evaluate/predictions.json` (one score per validation image, for
 * Grad-CAM and the report), plus the pass's pooled features (`features.f32`, for embed-resnet).
 */
import type { StageDefinition } from '../stage-types.ts';
import { stageFile } from '../stage-files.ts';
import type { EvaluateData, Prediction } from '../contracts.ts';
import { ImageCache } from '../data/image-cache.ts';
import { forwardCache, openForwardNetwork } from '../model/inference.ts';
import { bceWithLogitsValue } from '../model/loss.ts';
import { evaluatePredictions } from './evaluate.ts';
import { scoredListings, scoredSide } from '../data/split.ts';

/** The same forward pass's pooled features, float32 [images x dim] in cache order (embed-resnet stores them). */
const THRESHOLD = 0.5;

export const evaluateStage: StageDefinition = {
  name: 'evaluate',
  doc: { reads: 'the model, the validation cache', writes: "`_data/evaluate.json` (classification report, confusion matrix, ROC, AUC, bootstrap intervals, per-category calibration), `.cache/evaluate/predictions.json`, `.cache/evaluate/features.f32` (the same pass's pooled features)" },
  version: 4,
  after: ['train', 'preprocess', 'dataset'],
  config: (c) => ({ backend: c.model.backend, inference: c.model.inference }),
  async run(ctx) {
    const { loaded } = ctx;
    const net = await openForwardNetwork(ctx.path('model'), ctx.config.model, { logger: ctx.logger });
    ctx.notes.inference = net.engine;
    // The held-out test set when there is one; else the validation photos (the study's design).
    const split = await ctx.read('split');
    const set = scoredSide(split);
    const cache = await ImageCache.at(ctx.path(`images:${set}`));
    try {
      const progress = ctx.logger.progress('validation forward pass', cache.count);
      const { logits, features } = await forwardCache(net, cache, { onBatch: (n) => progress.tick(n) });
      progress.done();
      const yTrue = cache.index.labels;
      const loss = bceWithLogitsValue(logits, yTrue);
      const scores = Array.from(logits, (z) => 1 / (1 + Math.exp(-z)));
      const evaluation = evaluatePredictions(yTrue, { scores, threshold: THRESHOLD });
      for (const warning of evaluation.warnings) ctx.logger.warn(warning);
      const listings = new Map(scoredListings(split).map((l) => [l.id, l]));
      const predictions = cache.index.ids.map((id, i) => ({ id, image: cache.index.images[i]!, label: yTrue[i]!, score: scores[i]!, category: listings.get(id)?.category ?? null }));
      const data: EvaluateData = {
        threshold: THRESHOLD,
        set,
        images: cache.count,
        loss,
        ...evaluation,
        by_category: accuracyByCategory(predictions),
        score_histogram: histogram(predictions),
      };
      await ctx.writeData('evaluate', data);
      await ctx.writeFile(stageFile('features', loaded.resolved), new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
      await ctx.writeFile(stageFile('predictions', loaded.resolved), JSON.stringify({ schema: 1, run: ctx.fingerprint, threshold: THRESHOLD, predictions }));
      const r = evaluation.report;
      ctx.logger.info(`  validation: accuracy ${r.accuracy.toFixed(3)} [${evaluation.ci95.accuracy.map((v) => v.toFixed(3)).join(', ')}], macro F1 ${r['macro avg']['f1-score'].toFixed(3)}, AUC ${evaluation.roc_auc?.toFixed(3) ?? 'n/a'}`);
    } finally {
      cache.close();
      await net.close();
    }
  },
};


function accuracyByCategory(predictions: Prediction[]) {
  const groups = new Map<string, { n: number; correct: number; sold: number; score: number }>();
  for (const p of predictions) {
    if (!p.category) continue;
    const g = groups.get(p.category) ?? { n: 0, correct: 0, sold: 0, score: 0 };
    g.n++;
    g.correct += (p.score >= THRESHOLD ? 1 : 0) === p.label ? 1 : 0;
    g.sold += p.label;
    g.score += p.score;
    groups.set(p.category, g);
  }
  return [...groups]
    .sort(([a, x], [b, y]) => y.n - x.n || (a < b ? -1 : 1))
    .map(([category, g]) => ({ category, images: g.n, accuracy: g.correct / g.n, sold_rate: g.sold / g.n, mean_score: g.score / g.n }));
}

function histogram(predictions: Prediction[], bins = 20) {
  const rows: { bin_start: number; bin_end: number; label: 'sold' | 'not_sold'; count: number }[] = [];
  for (const label of ['not_sold', 'sold'] as const) {
    const counts = new Array<number>(bins).fill(0);
    for (const p of predictions) if ((p.label === 1) === (label === 'sold')) counts[Math.min(bins - 1, Math.floor(p.score * bins))]!++;
    counts.forEach((count, i) => rows.push({ bin_start: i / bins, bin_end: (i + 1) / bins, label, count }));
  }
  return rows;
}

/**
 * `gradcam`: explains validation predictions. Picks images of each true class that the model
 * got right and got wrong (a seeded choice, so a rebuild shows the same ones), computes
 * Grad-CAM at the configured layer, overlays it on the photo (as `site.thumbnails` allows)
 * and writes the pictures to `<assets>/gradcam/` and the items to `_data/gradcam.json`.
 * Then the deletion check asks whether the network looks where the maps say: over a seeded
 * sample of validation photos, blur the pixels the map of the predicted class ranks highest,
 * or as many random ones, and compare the drops in that class's probability (deletion.ts).
 */
import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { StageDefinition } from '../stage-types.ts';
import type { DeletionCheck, GradcamData } from '../contracts.ts';
import { createRandom, keyedUniform } from '../core/random.ts';
import { ImageCache } from '../data/image-cache.ts';
import { readBatch } from '../data/batches.ts';
import { scoredSide } from '../data/split.ts';
import { resolveImagePath } from '../data/image-path.ts';
import { encodeJpeg, publishablePixels, safeName } from '../report/photos.ts';
import { camsFor, type CamTarget } from './gradcam.ts';
import { EXPLAINERS, type ExplainerId } from './explainer.ts';
import { openCamNetwork, type CamNetwork } from './cam-network.ts';
import { overlayHeatmap } from './overlay.ts';
import { blurImage, perturb, randomMask, summariseDeletion, topFractionMask, upsampleBilinear, type DeletionOutcome } from './deletion.ts';

const NAMES: CamTarget[] = ['not_sold', 'sold'];

export const gradcamStage: StageDefinition = {
  name: 'gradcam',
  doc: { reads: 'the model, the predictions', writes: '`assets/generated/gradcam/*.jpg` (overlays), `_data/gradcam.json`' },
  version: 7,
  after: ['evaluate', 'train', 'preprocess', 'dataset'],
  config: (c) => ({ seed: c.seed, gradcam: c.gradcam, thumbnails: c.site.thumbnails, backend: c.model.backend, inference: c.model.inference, max_pixels: c.dataset.max_pixels }),
  async run(ctx) {
    const { loaded, config } = ctx;
    const { threshold, predictions } = await ctx.read('predictions');
    // Correct and wrong predictions, balanced by true class, chosen by a seeded hash of the id.
    const groups: { group: 'correct' | 'wrong'; truth: number }[] = [
      { group: 'correct', truth: 0 }, { group: 'correct', truth: 1 }, { group: 'wrong', truth: 0 }, { group: 'wrong', truth: 1 },
    ];
    const chosen = groups.flatMap(({ group, truth }) =>
      predictions
        .map((p, index) => ({ ...p, index, predicted: p.score >= threshold ? 1 : 0 }))
        .filter((p) => p.label === truth && (p.predicted === truth) === (group === 'correct'))
        .sort((a, b) => keyedUniform(config.seed, 'gradcam', a.id) - keyedUniform(config.seed, 'gradcam', b.id))
        .slice(0, config.gradcam.per_group)
        .map((p) => ({ ...p, group })),
    );
    const methods = config.gradcam.methods;
    const net = await openCamNetwork(ctx.path('model'), config.gradcam.layer, config.model, ctx.logger);
    ctx.notes.inference = net.engine;
    const cache = await ImageCache.at(ctx.path(`images:${scoredSide(await ctx.read('split'))}`));
    const realRoot = await realpath(loaded.resolved.images);
    const size = config.gradcam.image_size;
    const items: GradcamData['items'] = [];
    let resolution: [number, number] = [0, 0];
    let deletion: DeletionCheck | null = null;
    try {
      for (let start = 0; start < chosen.length; start += 16) {
        const slice = chosen.slice(start, start + 16);
        const batch = readBatch(cache, slice.map((p) => p.index));
        const targets = slice.map((p) => (config.gradcam.target === 'predicted' ? NAMES[p.predicted]! : config.gradcam.target));
        // One forward (and backward) pass; every method reads the same signals.
        const signals = await net.signals(batch.x, batch.shape, targets);
        const byMethod = methods.map((method) => camsFor(signals, method));
        resolution = [signals.h, signals.w];
        for (const [i, p] of slice.entries()) {
          const path = await resolveImagePath(realRoot, p.image);
          const photo = path.ok ? await publishablePixels(path.path, size, config.site.thumbnails, config.dataset.max_pixels) : Buffer.alloc(size * size * 3, 200);
          const pictures: GradcamData['items'][number]['pictures'] = [];
          for (const [m, cams] of byMethod.entries()) {
            const overlay = await overlayHeatmap(photo, cams.maps[i]!, { size });
            // The first method keeps the plain name, so its pictures stay where they were.
            const prefix = m === 0 ? config.gradcam.layer : `${config.gradcam.layer}-${methods[m]!.replace(/\+/g, 'p')}`;
            const file = join(loaded.resolved.assets, 'gradcam', `${safeName(prefix, p.id)}.jpg`);
            await ctx.writeFile(file, await encodeJpeg(overlay, size));
            pictures.push({ method: methods[m]!, strongest: strongestRegion(cams.maps[i]!), picture: `/assets/generated/${relative(loaded.resolved.assets, file).split('\\').join('/')}` });
          }
          const strongest = pictures[0]!.strongest;
          items.push({
            group: p.group,
            truth: NAMES[p.label]!,
            predicted: NAMES[p.predicted]!,
            target: targets[i]!,
            score: p.score,
            category: p.category,
            picture: pictures[0]!.picture,
            pictures,
            strongest,
          });
        }
      }
      // Every validation photo up to DELETION_SAMPLE, else that many by a seeded hash of the id.
      const sample = predictions
        .map((p, index) => ({ index, id: p.id, label: p.label, predicted: p.score >= threshold ? 1 : 0 }))
        .sort((a, b) => keyedUniform(config.seed, 'deletion', a.id) - keyedUniform(config.seed, 'deletion', b.id))
        .slice(0, DELETION_SAMPLE);
      const progress = ctx.logger.progress('deletion check', sample.length);
      deletion = await runDeletionCheck(net, (indices) => readBatch(cache, indices), sample, config.seed, methods[0]!, (n) => progress.tick(n));
      progress.done();
      ctx.notes.deletion_inference = net.scoredBy;
    } finally {
      cache.close();
      await net.close();
    }
    // How often each other method puts its strongest point in the same region as the first.
    const samePeak = (m: number) => (m === 0 ? null : items.filter((item) => item.pictures[m]!.strongest === item.pictures[0]!.strongest).length);
    const data: GradcamData = { methods: methods.map((id, m) => ({ id, name: EXPLAINERS[id].name, about: EXPLAINERS[id].about, same_peak: samePeak(m) })), layer: config.gradcam.layer, target: config.gradcam.target, resolution, thumbnails: config.site.thumbnails, threshold, items, deletion };
    await ctx.writeData('gradcam', data);
  },
};

const DELETION_SAMPLE = 300;
const DELETION_FRACTION = 0.2;
const DELETION_RESAMPLES = 1000;

export interface DeletionPhoto {
  /** Position in the image cache. */
  index: number;
  id: string;
  label: number;
  /** 1 = sold, from the evaluate stage's score and threshold. */
  predicted: number;
}

/**
 * The deletion check over `photos`, 32 at a time: one CAM pass (maps of each photo's predicted
 * class, whatever gradcam.target says: the check asks about the decision made), then one
 * forward pass over the originals and both perturbed copies together.
 */
export async function runDeletionCheck(
  net: Pick<CamNetwork, 'cams' | 'scores'>,
  load: (indices: number[]) => { x: Float32Array; shape: [number, number, number, number] },
  photos: DeletionPhoto[],
  seed: number,
  method: ExplainerId,
  onBatch?: (count: number) => void,
): Promise<DeletionCheck | null> {
  if (photos.length === 0) return null;
  const outcomes: DeletionOutcome[] = [];
  let sigma = 0;
  for (let start = 0; start < photos.length; start += 32) {
    const slice = photos.slice(start, start + 32);
    const { x, shape } = load(slice.map((p) => p.index));
    const [n, h, w, c] = shape;
    const per = h * w * c;
    sigma = Math.max(h, w) / 8;
    const cams = await net.cams(x, shape, slice.map((p) => NAMES[p.predicted]!), method);
    const all = new Float32Array(3 * n * per);
    all.set(x);
    slice.forEach((p, i) => {
      const image = x.subarray(i * per, (i + 1) * per);
      const blurred = blurImage(image, h, w, c, sigma);
      const byCam = topFractionMask(upsampleBilinear(cams.maps[i]!, h, w), DELETION_FRACTION);
      const byChance = randomMask(h * w, DELETION_FRACTION, createRandom(`${seed}:deletion:${p.id}`));
      all.set(perturb(image, blurred, byCam, c), (n + i) * per);
      all.set(perturb(image, blurred, byChance, c), (2 * n + i) * per);
    });
    const sold = await net.scores(all, [3 * n, h, w, c]);
    slice.forEach((p, i) => {
      const probability = (j: number) => (p.predicted === 1 ? sold[j]! : 1 - sold[j]!);
      outcomes.push({ correct: p.predicted === p.label, camDrop: probability(i) - probability(n + i), randomDrop: probability(i) - probability(2 * n + i) });
    });
    onBatch?.(slice.length);
  }
  const summary = summariseDeletion(outcomes, DELETION_RESAMPLES);
  return { method: EXPLAINERS[method].name, photos: outcomes.length, fraction: DELETION_FRACTION, blur_sigma: sigma, resamples: DELETION_RESAMPLES, ...summary };
}

/** Where the map peaks, in words (for alt text): "centre", "top left", ... */
function strongestRegion(map: number[][]): string {
  let best = -Infinity;
  let at = [0, 0];
  map.forEach((row, y) => row.forEach((v, x) => v > best && ((best = v), (at = [y, x]))));
  if (best <= 0) return 'nowhere (the map is empty)';
  // By the cell's centre: on a 4x4 map the second row (25-50% of the photo) is the middle.
  const third = (i: number, n: number) => Math.min(2, Math.floor(((i + 0.5) / n) * 3));
  const vertical = ['top', 'middle', 'bottom'][third(at[0]!, map.length)]!;
  const horizontal = ['left', 'centre', 'right'][third(at[1]!, map[0]!.length)]!;
  return vertical === 'middle' && horizontal === 'centre' ? 'centre' : `${vertical} ${horizontal}`.replace('middle ', '');
}

/**
 * `gradcam`: explains validation predictions. Picks images of each true class that the model
 * got right and got wrong (a seeded choice, so a rebuild shows the same ones), computes
 * Grad-CAM at the configured layer, overlays it on the photo (as `site.thumbnails` allows)
 * and writes the pictures to `<assets>/gradcam/` and the items to `_data/gradcam.json`.
 */
import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { StageDefinition } from '../stages.ts';
import type { GradcamData } from '../contracts.ts';
import { keyedUniform } from '../core/random.ts';
import { ImageCache } from '../data/image-cache.ts';
import { readBatch } from '../data/batches.ts';
import { resolveImagePath } from '../data/image-path.ts';
import { encodeJpeg, publishablePixels, safeName } from '../report/photos.ts';
import type { CamTarget } from './gradcam.ts';
import { openCamNetwork } from './cam-network.ts';
import { overlayHeatmap } from './overlay.ts';


const NAMES: CamTarget[] = ['not_sold', 'sold'];

export const gradcamStage: StageDefinition = {
  name: 'gradcam',
  doc: { reads: 'the model, the predictions', writes: '`assets/generated/gradcam/*.jpg` (overlays), `_data/gradcam.json`' },
  version: 3,
  after: ['evaluate', 'train', 'preprocess'],
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
    const net = await openCamNetwork(ctx.path('model'), config.gradcam.layer, config.model, ctx.logger);
    ctx.notes.inference = net.engine;
    const cache = await ImageCache.at(ctx.path('images:validation'));
    const realRoot = await realpath(loaded.resolved.images);
    const size = config.gradcam.image_size;
    const items: GradcamData['items'] = [];
    let resolution: [number, number] = [0, 0];
    try {
      for (let start = 0; start < chosen.length; start += 16) {
        const slice = chosen.slice(start, start + 16);
        const batch = readBatch(cache, slice.map((p) => p.index));
        const targets = slice.map((p) => (config.gradcam.target === 'predicted' ? NAMES[p.predicted]! : config.gradcam.target));
        const cams = await net.cams(batch.x, batch.shape, targets);
        resolution = [cams.maps[0]!.length, cams.maps[0]![0]!.length];
        for (const [i, p] of slice.entries()) {
          const path = await resolveImagePath(realRoot, p.image);
          const photo = path.ok ? await publishablePixels(path.path, size, config.site.thumbnails, config.dataset.max_pixels) : Buffer.alloc(size * size * 3, 200);
          const overlay = await overlayHeatmap(photo, cams.maps[i]!, { size });
          const file = join(loaded.resolved.assets, 'gradcam', `${safeName(config.gradcam.layer, p.id)}.jpg`);
          await ctx.writeFile(file, await encodeJpeg(overlay, size));
          const strongest = strongestRegion(cams.maps[i]!);
          items.push({
            group: p.group,
            truth: NAMES[p.label]!,
            predicted: NAMES[p.predicted]!,
            target: targets[i]!,
            score: p.score,
            category: p.category,
            picture: `/assets/generated/${relative(loaded.resolved.assets, file).split('\\').join('/')}`,
            strongest,
          });
        }
      }
    } finally {
      cache.close();
      await net.close();
    }
    const data: GradcamData = { layer: config.gradcam.layer, target: config.gradcam.target, resolution, thumbnails: config.site.thumbnails, threshold, items, deletion: null };
    await ctx.writeData('gradcam', 1, data);
  },
};

/** Where the map peaks, in words (for alt text): "centre", "top left", ... */
function strongestRegion(map: number[][]): string {
  let best = -Infinity;
  let at = [0, 0];
  map.forEach((row, y) => row.forEach((v, x) => v > best && ((best = v), (at = [y, x]))));
  if (best <= 0) return 'nowhere (the map is empty)';
  const third = (i: number, n: number) => (n === 1 ? 1 : Math.min(2, Math.floor((i / n) * 3)));
  const vertical = ['top', 'middle', 'bottom'][third(at[0]!, map.length)]!;
  const horizontal = ['left', 'centre', 'right'][third(at[1]!, map[0]!.length)]!;
  return vertical === 'middle' && horizontal === 'centre' ? 'centre' : `${vertical} ${horizontal}`.replace('middle ', '');
}

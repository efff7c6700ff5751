/**
 * `embed-clip`: CLIP image embeddings of the validation photos (from the original files, at
 * CLIP's own input size), raw image_embeds in `<cache>/embed/clip.f32`; the cluster stage
 * L2-normalises them. Without the model (offline, no local copy) the stage says so, writes
 * `_data/clip.json` with the reason and how to enable it, and the report marks CLIP as not run.
 */
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StageDefinition } from '../stage-types.ts';
import type { ClipData } from '../contracts.ts';
import type { LoadedConfig } from '../core/config-types.ts';
import { errorMessage } from '../core/errors.ts';
import { withoutMachinePaths } from '../core/public-text.ts';
import { resolveImagePath } from '../data/image-path.ts';
import type { Listing } from '../data/types.ts';
import { scoredListings, scoredSide } from '../data/split.ts';
import { clipPixels, CLIP_DEFAULT, loadClip, type ClipModel } from './clip.ts';
import { embeddingPaths, type EmbeddingIndex } from './store.ts';
import * as msg from '../core/messages.ts';

/** Where the model is (or would be): a local folder, or transformers.js' cache of the hub id. */
function modelLocation(loaded: LoadedConfig): string {
  const local = resolve(loaded.base, loaded.config.clip.model);
  return existsSync(join(local, 'config.json')) ? local : join(loaded.resolved.cache, 'models', 'transformers', loaded.config.clip.model);
}

export const embedClipStage: StageDefinition = {
  name: 'embed-clip',
  doc: { reads: 'the photos of the split, the CLIP model', writes: '`.cache/embed/clip.f32` and `clip-train.f32` (image_embeds), `_data/clip.json` (ran, or not run and why)' },
  version: 3,
  after: ['dataset'],
  config: (c) => ({ clip: { model: c.clip.model, dtype: c.clip.dtype }, max_pixels: c.dataset.max_pixels }),
  tuning: ['clip.batch_size'],
  // The model's files are an input: once a model appears in the cache, the stage runs again.
  inputs: (loaded) => [modelLocation(loaded)],
  async run(ctx) {
    const { loaded, config } = ctx;
    let clip;
    try {
      clip = await loadClip({ model: config.clip.model, root: loaded.base, cacheDir: loaded.resolved.cache, dtype: config.clip.dtype });
    } catch (error) {
      const reason = withoutMachinePaths(errorMessage(error).split('\n')[0]!, loaded.root);
      ctx.logger.warn(msg.clipNotComputed(reason));
      const data: ClipData = {
        status: 'not_run',
        model: config.clip.model,
        reason,
        enable: withoutMachinePaths(`Run once with network access (the model ${CLIP_DEFAULT.id} is downloaded into ${join(loaded.config.paths.cache, 'models')}), or set clip.model to a local folder in the transformers.js layout.`, loaded.root),
        images: 0,
        dimensions: 0,
      };
      await ctx.writeData('clip', data);
      ctx.notes.clip = 'not run';
      return;
    }
    const split = await ctx.read('split');
    const realRoot = await realpath(loaded.resolved.images);
    let dim = 0;
    try {
      // The scored photos are clustered; training photos feed the linear probe (baselines stage).
      for (const [name, listings] of [['clip', scoredListings(split)], ['clip-train', split.train]] as const) {
        const progress = ctx.logger.progress(`CLIP embeddings (${name === 'clip' ? scoredSide(split) : 'train'})`, listings.length);
        const embedded = await embedListings(clip, listings, realRoot, config.clip.batch_size, config.dataset.max_pixels, (n) => progress.tick(n));
        progress.done();
        dim = embedded.dim;
        const paths = embeddingPaths(loaded.resolved.cache, name);
        const index: EmbeddingIndex = { schema: 1, ids: listings.map((l) => l.id), images: listings.map((l) => l.image), labels: listings.map((l) => (l.label === 'sold' ? 1 : 0)), dim };
        await ctx.writeFile(paths.data, new Uint8Array(embedded.data.buffer));
        await ctx.writeFile(paths.index, JSON.stringify(index));
      }
    } finally {
      await clip.dispose();
    }
    await ctx.writeData('clip', { status: 'ran', model: clip.name, reason: null, enable: null, images: scoredListings(split).length + split.train.length, dimensions: dim } satisfies ClipData);
  },
};

/** Raw image_embeds of `listings`, in order, as one N x dim array. */
async function embedListings(clip: ClipModel, listings: Listing[], realRoot: string, batchSize: number, maxPixels: number, tick: (n: number) => void) {
  const p = clip.preprocessor;
  const per = 3 * p.crop.height * p.crop.width;
  let data = new Float32Array(0);
  let dim = 0;
  for (let start = 0; start < listings.length; start += batchSize) {
    const batch = listings.slice(start, start + batchSize);
    const pixels = new Float32Array(batch.length * per);
    await Promise.all(
      batch.map(async (listing, i) => {
        const path = await resolveImagePath(realRoot, listing.image);
        if (!path.ok) throw new Error(`${listing.image}: ${path.detail}`);
        pixels.set(await clipPixels(path.path, p, maxPixels), i * per);
      }),
    );
    const out = await clip.embed(pixels, batch.length);
    if (start === 0) {
      dim = out.dim;
      data = new Float32Array(listings.length * dim);
    }
    data.set(out.data, start * dim);
    tick(batch.length);
  }
  return { data, dim };
}

/**
 * `preprocess`: the chosen listings' photos -> one uint8 cache per side of the split
 * (image-cache.ts; the test cache is empty unless a test set is held out).
 * Several photos are decoded in flight; each is written as soon as its turn comes, so memory
 * stays bounded whatever the split's size.
 */
import { createWriteStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { relative } from 'node:path';
import type { StageDefinition } from '../stage-types.ts';
import type { PreprocessData } from '../contracts.ts';
import { mapOrdered } from '../core/concurrency.ts';
import { FileError } from '../core/errors.ts';
import { decodePhoto, resolveDecoder, type Decoder } from './preprocess.ts';
import { resolveImagePath } from './image-path.ts';
import { imageCachePaths, type ImageCacheIndex } from './image-cache.ts';
import { SIDES } from './split.ts';
import type { Problem } from './types.ts';
import * as msg from '../core/messages.ts';

export const preprocessStage: StageDefinition = {
  name: 'preprocess',
  doc: { reads: 'the split', writes: '`.cache/preprocess/{train,validation,test}.u8` (uint8 images) + index, `_data/preprocess.json`' },
  version: 3,
  after: ['dataset'],
  // the decoder this machine will use, not the choice: installing the addon reprocesses
  config: (c) => ({ size: c.preprocess.size, fit: c.preprocess.fit, max_pixels: c.dataset.max_pixels, decoder: resolveDecoder(c.preprocess.decoder) }),
  tuning: ['preprocess.concurrency'],
  async run(ctx) {
    const { loaded, config } = ctx;
    const split = await ctx.read('split');
    const realRoot = await realpath(loaded.resolved.images).catch(() => {
      throw new FileError(loaded.resolved.images, msg.imagesFolderMissing());
    });
    const { size, fit, decoder } = config.preprocess;
    const decoders: Record<Decoder, number> = { 'libjpeg-turbo': 0, sharp: 0 };
    const failed: Problem[] = [];
    const splits = {} as PreprocessData['splits'];
    const sum = [0, 0, 0];
    let pixels = 0;

    for (const side of SIDES) {
      const paths = imageCachePaths(loaded.resolved.cache, side);
      const out = createWriteStream(ctx.outputPath(paths.pixels));
      const index: ImageCacheIndex = { schema: 1, size, count: 0, ids: [], labels: [], images: [] };
      const listings = split[side] ?? [];
      const progress = ctx.logger.progress(`preprocess ${side}`, listings.length);
      const decoded = mapOrdered(listings, config.preprocess.concurrency, async (listing) => {
        try {
          const path = await resolveImagePath(realRoot, listing.image);
          if (!path.ok) throw new Error(path.detail);
          const photo = await decodePhoto(path.path, { size, fit, decoder, maxPixels: config.dataset.max_pixels });
          decoders[photo.decoder]++;
          return { listing, data: photo.data };
        } catch (error) {
          return { listing, error: (error as Error).message };
        }
      });
      for await (const { listing, data, error } of decoded) {
        progress.tick();
        if (!data) {
          failed.push({ line: listing.line, id: listing.id, image: listing.image, reason: 'unreadable', detail: error ?? 'unknown error' });
          continue;
        }
        if (side === 'train') {
          for (let i = 0; i < data.length; i += 3) {
            sum[0] += data[i]!;
            sum[1] += data[i + 1]!;
            sum[2] += data[i + 2]!;
          }
          pixels += data.length / 3;
        }
        if (!out.write(data)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        index.count++;
        index.ids.push(listing.id);
        index.labels.push(listing.label === 'sold' ? 1 : 0);
        index.images.push(listing.image);
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      progress.done();
      await ctx.writeFile(paths.index, JSON.stringify(index));
      splits[side] = { images: index.count, bytes: index.count * size * size * 3, file: relative(loaded.root, paths.pixels) };
    }
    for (const f of failed) ctx.logger.warn(msg.notPreprocessed(f.image, f.detail));
    const data: PreprocessData = {
      size,
      fit,
      splits,
      failed,
      mean_rgb: sum.map((s) => (pixels ? Math.round((s / pixels) * 100) / 100 : 0)) as [number, number, number],
      decoders,
    };
    await ctx.writeData('preprocess', data);
  },
};

/**
 * `embed-resnet`: the fine-tuned network's penultimate (pooled) features of every validation
 * image, for clustering: `<cache>/embed/resnet.f32` + `resnet.json`. The evaluate stage's
 * forward pass already computed them; this stage stores them with their index, so the
 * validation set goes through the network once.
 */
import { readFile } from 'node:fs/promises';
import type { StageDefinition } from '../stage-types.ts';
import { embeddingPaths, type EmbeddingIndex } from './store.ts';
import { FileError } from '../core/errors.ts';
import { scoredSide } from '../data/split.ts';
import * as msg from '../core/messages.ts';

export const embedResnetStage: StageDefinition = {
  name: 'embed-resnet',
  doc: { reads: "evaluate's features, the validation cache's index", writes: '`.cache/embed/resnet.f32` (penultimate features; the validation set goes through the network once)' },
  version: 3,
  after: ['evaluate', 'preprocess', 'dataset'],
  async run(ctx) {
    const { cache } = ctx.loaded.resolved;
    const validation = await ctx.read(`images:${scoredSide(await ctx.read('split'))}`);
    const features = await readFile(ctx.path('features'));
    const dim = features.byteLength / 4 / Math.max(1, validation.count);
    if (!Number.isInteger(dim)) throw new FileError(ctx.path('features'), msg.featuresSize(features.byteLength, validation.count));
    const paths = embeddingPaths(cache, 'resnet');
    const index: EmbeddingIndex = { schema: 1, ids: validation.ids, images: validation.images, labels: validation.labels, dim };
    await ctx.writeFile(paths.data, features);
    await ctx.writeFile(paths.index, JSON.stringify(index));
    ctx.logger.info(`  ResNet embeddings: ${validation.count} x ${dim}`);
  },
};

/**
 * `embed-resnet`: the fine-tuned network's penultimate (pooled) features of every validation
 * image, for clustering: `<cache>/embed/resnet.f32` + `resnet.json`.
 */
import type { StageDefinition } from '../stages.ts';
import { modelFile } from '../model/train-stage.ts';
import { forwardCache, openForwardNetwork } from '../model/inference.ts';
import { ImageCache } from '../data/image-cache.ts';
import { embeddingPaths, type EmbeddingIndex } from './store.ts';

export const embedResnetStage: StageDefinition = {
  name: 'embed-resnet',
  version: 2,
  after: ['train', 'preprocess'],
  config: (c) => ({ backend: c.model.backend, inference: c.model.inference }),
  async run(ctx) {
    const { loaded } = ctx;
    const net = await openForwardNetwork(modelFile(loaded.resolved.cache), ctx.config.model, { logger: ctx.logger });
    ctx.notes.inference = net.engine;
    const cache = await ImageCache.open(loaded.resolved.cache, 'validation');
    const paths = embeddingPaths(loaded.resolved.cache, 'resnet');
    const progress = ctx.logger.progress('ResNet embeddings', cache.count);
    try {
      const { features: data, dim } = await forwardCache(net, cache, { onBatch: (n) => progress.tick(n) });
      progress.done();
      const index: EmbeddingIndex = { schema: 1, ids: cache.index.ids, images: cache.index.images, labels: cache.index.labels, dim };
      await ctx.writeFile(paths.data, new Uint8Array(data.buffer));
      await ctx.writeFile(paths.index, JSON.stringify(index));
    } finally {
      cache.close();
      await net.close();
    }
  },
};

/**
 * `embed-resnet`: the fine-tuned network's penultimate (pooled) features of every validation
 * image, for clustering: `<cache>/embed/resnet.f32` + `resnet.json`.
 */
import type { StageDefinition } from '../stages.ts';
import { initBackend, tf } from '../model/backend.ts';
import { modelFile } from '../model/train-stage.ts';
import { networkFromFile } from '../model/weights.ts';
import { ImageCache } from '../data/image-cache.ts';
import { readBatch } from '../data/batches.ts';
import { embeddingPaths, type EmbeddingIndex } from './store.ts';

export const embedResnetStage: StageDefinition = {
  name: 'embed-resnet',
  version: 1,
  after: ['train', 'preprocess'],
  async run(ctx) {
    const { loaded } = ctx;
    ctx.notes.backend = await initBackend(ctx.config.model.backend);
    const net = await networkFromFile(modelFile(loaded.resolved.cache));
    const cache = await ImageCache.open(loaded.resolved.cache, 'validation');
    const paths = embeddingPaths(loaded.resolved.cache, 'resnet');
    const dim = net.spec.outChannels[net.spec.outChannels.length - 1]!;
    const data = new Float32Array(cache.count * dim);
    const progress = ctx.logger.progress('ResNet embeddings', cache.count);
    try {
      for (let start = 0; start < cache.count; start += 32) {
        const indices = Array.from({ length: Math.min(32, cache.count - start) }, (_, i) => start + i);
        const batch = readBatch(cache, indices);
        const features = tf.tidy(() => (net.model.predict(tf.tensor4d(batch.x, batch.shape)) as tf.Tensor[])[1]!);
        data.set((await features.data()) as Float32Array, start * dim);
        features.dispose();
        progress.tick(indices.length);
      }
      progress.done();
      const index: EmbeddingIndex = { schema: 1, ids: cache.index.ids, images: cache.index.images, labels: cache.index.labels, dim };
      await ctx.writeFile(paths.data, new Uint8Array(data.buffer));
      await ctx.writeFile(paths.index, JSON.stringify(index));
    } finally {
      cache.close();
      net.model.dispose();
    }
  },
};

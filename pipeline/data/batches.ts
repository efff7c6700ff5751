/**
 * Batches for training and evaluation, read from the image cache: NHWC float32, ImageNet-
 * normalised, augmented for training only. The epoch order is a seeded shuffle.
 */
import type { AugmentConfig } from '../core/config-types.ts';
import { createRandom, type Random } from '../core/random.ts';
import { augmentAndNormalise, drawAugmentation } from './augment.ts';
import type { ImageCache } from './image-cache.ts';

export interface Batch {
  x: Float32Array;
  /** 1 = sold, 0 = not_sold. */
  y: Float32Array;
  shape: [number, number, number, 3];
}

export function readBatch(cache: ImageCache, indices: number[], augment?: { config: AugmentConfig; random: Random }): Batch {
  const size = cache.index.size;
  const per = size * size * 3;
  const x = new Float32Array(indices.length * per);
  const y = new Float32Array(indices.length);
  const raw = Buffer.alloc(per);
  indices.forEach((index, i) => {
    cache.read(index, raw);
    const draw = augment ? drawAugmentation(augment.config, augment.random) : undefined;
    augmentAndNormalise(raw, size, x, i * per, draw);
    y[i] = cache.index.labels[index]!;
  });
  return { x, y, shape: [indices.length, size, size, 3] };
}

/** The order of an epoch: a Fisher-Yates shuffle seeded by (seed, epoch). */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  const random = createRandom(`${seed}:epoch:${epoch}`);
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** The augmentation stream of one epoch: independent of batch size, so resuming reproduces it. */
export function augmentationRandom(seed: number, epoch: number): Random {
  return createRandom(`${seed}:augment:${epoch}`);
}

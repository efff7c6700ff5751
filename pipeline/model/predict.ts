/** `study predict`: photos -> probability of selling, preprocessed as the pipeline does. */
import { initBackend, tf, type BackendName } from './backend.ts';
import { networkFromFile } from './weights.ts';
import { readSafetensors } from './safetensors.ts';
import { decodeToRgb } from '../data/preprocess.ts';
import { augmentAndNormalise } from '../data/augment.ts';
import { StudyError } from '../core/errors.ts';
import type { StudyConfig } from '../core/config-types.ts';

export async function predictImages(options: { weights: string; images: string[]; size?: number; config: StudyConfig; backend: BackendName | 'auto' }) {
  await initBackend(options.backend);
  const stored = Number((await readSafetensors(options.weights)).metadata.image_size);
  const size = options.size ?? (Number.isFinite(stored) && stored > 0 ? stored : options.config.preprocess.size);
  const net = await networkFromFile(options.weights);
  if (net.spec.classes !== 1) throw new StudyError(`${options.weights}: a ${net.spec.classes}-class network; predict needs the single-logit model training writes`);
  const results: { image: string; score: number; label: 'sold' | 'not_sold' }[] = [];
  try {
    for (const image of options.images) {
      let pixels: Buffer;
      try {
        pixels = await decodeToRgb(image, { size, fit: options.config.preprocess.fit, maxPixels: options.config.dataset.max_pixels });
      } catch (error) {
        throw new StudyError(`${image}: cannot be read as an image (${(error as Error).message})`);
      }
      const x = new Float32Array(size * size * 3);
      augmentAndNormalise(pixels, size, x, 0);
      const logit = tf.tidy(() => (net.model.predict(tf.tensor4d(x, [1, size, size, 3])) as tf.Tensor[])[0]!.dataSync()[0]!);
      const score = 1 / (1 + Math.exp(-logit));
      results.push({ image, score, label: score >= 0.5 ? 'sold' : 'not_sold' });
    }
  } finally {
    net.model.dispose();
  }
  return results;
}

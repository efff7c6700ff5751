/** `study predict`: photos -> probability of selling, preprocessed as the pipeline does. */
import { initBackend, tf, type BackendName } from './backend.ts';
import { networkFromFile } from './weights.ts';
import { inputSizeFor, photosToBatch } from './photo-input.ts';
import { StudyError } from '../core/errors.ts';
import type { StudyConfig } from '../core/config-types.ts';

export async function predictImages(options: { weights: string; images: string[]; size?: number; config: StudyConfig; backend: BackendName | 'auto' }) {
  await initBackend(options.backend);
  const size = await inputSizeFor(options.weights, options.size, options.config);
  const net = await networkFromFile(options.weights);
  if (net.spec.classes !== 1) throw new StudyError(`${options.weights}: a ${net.spec.classes}-class network; predict needs the single-logit model training writes`);
  try {
    const { batch } = await photosToBatch(options.images, size, options.config);
    const logits = tf.tidy(() => (net.model.predict(tf.tensor4d(batch, [options.images.length, size, size, 3])) as tf.Tensor[])[0]!.dataSync());
    return options.images.map((image, i) => {
      const score = 1 / (1 + Math.exp(-logits[i]!));
      return { image, score, label: score >= 0.5 ? ('sold' as const) : ('not_sold' as const) };
    });
  } finally {
    net.model.dispose();
  }
}

/** `study predict`: photos -> probability of selling, preprocessed as the pipeline does. */
import type { ModelConfig, StudyConfig } from '../core/config-types.ts';
import { FileError } from '../core/errors.ts';
import { openForwardNetwork } from './inference.ts';
import { inputSizeFor, photosToBatch } from './photo-input.ts';
import * as msg from '../core/messages.ts';

export async function predictImages(options: { weights: string; images: string[]; size?: number; config: StudyConfig; engine: Pick<ModelConfig, 'inference' | 'backend'> }) {
  const size = await inputSizeFor(options.weights, options.size, options.config);
  const net = await openForwardNetwork(options.weights, options.engine);
  try {
    if (net.spec.classes !== 1) throw new FileError(options.weights, msg.multiClassPredict(net.spec.classes));
    const { batch } = await photosToBatch(options.images, size, options.config);
    const { logits } = await net.run(batch, [options.images.length, size, size, 3]);
    return options.images.map((image, i) => {
      const score = 1 / (1 + Math.exp(-logits[i]!));
      return { image, score, label: score >= 0.5 ? ('sold' as const) : ('not_sold' as const) };
    });
  } finally {
    await net.close();
  }
}

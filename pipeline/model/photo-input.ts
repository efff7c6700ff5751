/**
 * New photos as network input, preprocessed as the pipeline preprocesses its cache (decode,
 * orientation, resize, ImageNet normalisation), at the size the model was trained at.
 */
import { decodeToRgb } from '../data/preprocess.ts';
import { augmentAndNormalise } from '../data/augment.ts';
import { StudyError } from '../core/errors.ts';
import type { StudyConfig } from '../core/config-types.ts';
import { readSafetensors } from './safetensors.ts';
import * as msg from '../core/messages.ts';

/** An explicit size, else the size training stored with the weights, else preprocess.size. */
export async function inputSizeFor(weights: string, explicit: number | undefined, config: StudyConfig): Promise<number> {
  if (explicit !== undefined) return explicit;
  const stored = Number((await readSafetensors(weights)).metadata.image_size);
  return Number.isFinite(stored) && stored > 0 ? stored : config.preprocess.size;
}

/** Decoded photos (RGB bytes, for overlays) and their normalised NHWC batch. */
export async function photosToBatch(images: string[], size: number, config: StudyConfig): Promise<{ pixels: Buffer[]; batch: Float32Array }> {
  const per = size * size * 3;
  const batch = new Float32Array(images.length * per);
  const pixels: Buffer[] = [];
  for (const [i, image] of images.entries()) {
    let rgb: Buffer;
    try {
      rgb = await decodeToRgb(image, { size, fit: config.preprocess.fit, maxPixels: config.dataset.max_pixels, decoder: config.preprocess.decoder });
    } catch (error) {
      throw new StudyError(msg.notAnImage(image, (error as Error).message));
    }
    pixels.push(rgb);
    augmentAndNormalise(rgb, size, batch, i * per);
  }
  return { pixels, batch };
}

/** `study gradcam`: maps for a JSON batch (the fixtures' layout) or for photos. */
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { initBackend, tf, type BackendName } from '../model/backend.ts';
import { networkFromFile } from '../model/weights.ts';
import { nchwToTensor } from '../model/forward.ts';
import { inputSizeFor, photosToBatch } from '../model/photo-input.ts';
import { FileError, StudyError } from '../core/errors.ts';
import type { StudyConfig } from '../core/config-types.ts';
import { gradCam, type CamTarget } from './gradcam.ts';
import { overlayHeatmap } from './overlay.ts';

export async function gradcamCommand(options: { weights: string; inputs: string[]; layer: string; target?: string; overlay?: string; size?: number; config: StudyConfig; backend: BackendName | 'auto' }) {
  await initBackend(options.backend);
  const net = await networkFromFile(options.weights);
  let x: tf.Tensor4D;
  let photos: Buffer[] = [];
  let size = 0;
  if (options.inputs.length === 1 && options.inputs[0]!.toLowerCase().endsWith('.json')) {
    let input: { input_nchw?: unknown };
    try {
      input = JSON.parse(await readFile(options.inputs[0]!, 'utf8'));
    } catch (error) {
      throw new FileError(options.inputs[0]!, `cannot read a JSON batch (${(error as Error).message})`);
    }
    if (!input || !('input_nchw' in input)) throw new FileError(options.inputs[0]!, 'expected an object with "input_nchw"');
    x = nchwToTensor(input.input_nchw as never);
  } else {
    size = await inputSizeFor(options.weights, options.size, options.config);
    const photosBatch = await photosToBatch(options.inputs, size, options.config);
    photos = photosBatch.pixels;
    x = tf.tensor4d(photosBatch.batch, [options.inputs.length, size, size, 3]);
  }
  try {
    const result = await gradCam(net, x, options.layer, options.target as CamTarget | undefined);
    if (options.overlay) {
      if (photos.length === 0) throw new StudyError('--overlay needs a photo as input, not a JSON batch');
      const overlay = await overlayHeatmap(photos[0]!, result.maps[0]!, { size });
      await writeFile(options.overlay, await sharp(overlay, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
    }
    return { layer: result.layer, target: result.targets, maps: result.maps };
  } finally {
    x.dispose();
    net.model.dispose();
  }
}

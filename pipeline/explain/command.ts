/** `study gradcam`: maps for a JSON batch (the fixtures' layout) or for photos. */
import { readFile, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { nchwToNhwc } from '../model/forward.ts';
import { inputSizeFor, photosToBatch } from '../model/photo-input.ts';
import { FileError } from '../core/errors.ts';
import { UsageError } from '../core/options.ts';
import type { ModelConfig, StudyConfig } from '../core/config-types.ts';
import type { CamTarget } from './gradcam.ts';
import type { ExplainerId } from './explainer.ts';
import { openCamNetwork } from './cam-network.ts';
import { overlayHeatmap } from './overlay.ts';
import * as msg from '../core/messages.ts';

export async function gradcamCommand(options: { weights: string; inputs: string[]; layer: string; target?: string; method?: ExplainerId; overlay?: string; size?: number; config: StudyConfig; engine: Pick<ModelConfig, 'inference' | 'backend'> }) {
  let input: { x: Float32Array; shape: [number, number, number, number] };
  let photos: Buffer[] = [];
  let size = 0;
  if (options.inputs.length === 1 && options.inputs[0]!.toLowerCase().endsWith('.json')) {
    let json: { input_nchw?: unknown };
    try {
      json = JSON.parse(await readFile(options.inputs[0]!, 'utf8'));
    } catch (error) {
      throw new FileError(options.inputs[0]!, msg.cannotRead((error as Error).message, 'a JSON batch'));
    }
    if (!json || !('input_nchw' in json)) throw new FileError(options.inputs[0]!, msg.expectedInputObject());
    input = nchwToNhwc(json.input_nchw as never);
  } else {
    size = await inputSizeFor(options.weights, options.size, options.config);
    const photosBatch = await photosToBatch(options.inputs, size, options.config);
    photos = photosBatch.pixels;
    input = { x: photosBatch.batch, shape: [options.inputs.length, size, size, 3] };
  }
  const net = await openCamNetwork(options.weights, options.layer, options.engine);
  try {
    const result = await net.cams(input.x, input.shape, options.target as CamTarget | undefined, options.method);
    if (options.overlay) {
      if (photos.length === 0) throw new UsageError(msg.overlayNeedsPhoto());
      const overlay = await overlayHeatmap(photos[0]!, result.maps[0]!, { size });
      await writeFile(options.overlay, await sharp(overlay, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer());
    }
    return { layer: result.layer, method: result.method, target: result.targets, maps: result.maps };
  } finally {
    await net.close();
  }
}

/**
 * CLIP image embeddings with transformers.js (`CLIPVisionModelWithProjection` over
 * onnxruntime-node). The model is a local folder in the transformers.js layout
 * (config.json, preprocessor_config.json, onnx/vision_model.onnx) or a hub id, by default
 * `Xenova/clip-vit-base-patch32` at a pinned revision, cached under `<cache>/models/`.
 * Preprocessing is CLIPImageProcessor's, done with sharp (about 4x faster than transformers.js'
 * own): shortest edge to `size`, bicubic; centre crop; /255; CLIP mean and std; NCHW.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { StudyError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';

export const CLIP_DEFAULT = { id: 'Xenova/clip-vit-base-patch32', revision: '0b95b21b04a877260b196dfc3ebdb79c3c8be8ca' };

export interface ClipPreprocessor {
  shortestEdge: number;
  crop: { height: number; width: number };
  mean: [number, number, number];
  std: [number, number, number];
  rescale: number;
}

export interface ClipModel {
  name: string;
  preprocessor: ClipPreprocessor;
  /** Raw image_embeds for NCHW pixel values. */
  embed(pixelValues: Float32Array, n: number): Promise<{ data: Float32Array; dim: number }>;
  dispose(): Promise<void>;
}

function parsePreprocessor(config: Record<string, unknown>): ClipPreprocessor {
  const size = config.size as { shortest_edge?: number; height?: number } | number;
  const crop = config.crop_size as { height: number; width: number } | number;
  const edge = typeof size === 'number' ? size : size.shortest_edge ?? size.height ?? 224;
  return {
    shortestEdge: edge,
    crop: typeof crop === 'number' ? { height: crop, width: crop } : crop ?? { height: edge, width: edge },
    mean: (config.image_mean as [number, number, number]) ?? [0.48145466, 0.4578275, 0.40821073],
    std: (config.image_std as [number, number, number]) ?? [0.26862954, 0.26130258, 0.27577711],
    rescale: (config.rescale_factor as number) ?? 1 / 255,
  };
}

/** One photo as CLIP's pixel_values (3 x crop.height x crop.width, channel-first). */
export async function clipPixels(image: string | Buffer, p: ClipPreprocessor, maxPixels = 1e8): Promise<Float32Array> {
  const meta = await sharp(image, { limitInputPixels: maxPixels }).rotate().metadata();
  const oriented = (meta.orientation ?? 1) >= 5;
  const [w, h] = oriented ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
  const scale = p.shortestEdge / Math.min(w, h);
  // As transformers' get_resize_output_image_size: the short side to `size`, the long side
  // int(size * long / short), truncated.
  const [rw, rh] = w <= h ? [p.shortestEdge, Math.floor(h * scale)] : [Math.floor(w * scale), p.shortestEdge];
  const { data } = await sharp(image, { limitInputPixels: maxPixels })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(rw, rh, { fit: 'fill', kernel: 'cubic' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  // Centre crop as transformers' center_crop: offsets (size - crop) // 2; outside is 0 (padding).
  const top = Math.floor((rh - p.crop.height) / 2);
  const left = Math.floor((rw - p.crop.width) / 2);
  const plane = p.crop.width * p.crop.height;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < p.crop.height; y++) {
    for (let x = 0; x < p.crop.width; x++) {
      const sy = y + top;
      const sx = x + left;
      const inside = sy >= 0 && sy < rh && sx >= 0 && sx < rw;
      for (let c = 0; c < 3; c++) {
        const value = inside ? data[(sy * rw + sx) * 3 + c]! : 0;
        out[c * plane + y * p.crop.width + x] = (value * p.rescale - p.mean[c]!) / p.std[c]!;
      }
    }
  }
  return out;
}

export interface LoadClipOptions {
  /** A local folder or a hub id. */
  model: string;
  root: string;
  cacheDir: string;
  dtype?: 'fp32' | 'q8';
  env?: NodeJS.ProcessEnv;
}

export async function loadClip(options: LoadClipOptions): Promise<ClipModel> {
  const transformers = await import('@huggingface/transformers');
  const { env } = transformers;
  const processEnv = options.env ?? process.env;
  const local = resolve(options.root, options.model);
  const isLocal = existsSync(join(local, 'config.json'));
  env.cacheDir = join(options.cacheDir, 'models', 'transformers');
  let id: string;
  let revision: string | undefined;
  if (isLocal) {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = dirname(local) + '/';
    id = basename(local);
  } else {
    if (existsSync(local) || options.model.startsWith('.') || options.model.startsWith('/')) {
      throw new StudyError(msg.notClipFolder(local));
    }
    env.allowLocalModels = false;
    env.allowRemoteModels = !(processEnv.HF_HUB_OFFLINE === '1' || processEnv.STUDY_OFFLINE === '1');
    if (processEnv.HF_ENDPOINT) env.remoteHost = processEnv.HF_ENDPOINT.replace(/\/?$/, '/');
    id = options.model;
    revision = options.model === CLIP_DEFAULT.id ? CLIP_DEFAULT.revision : undefined;
  }
  let preprocessorConfig: Record<string, unknown>;
  let model: { (inputs: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: number[] }>>; dispose(): Promise<unknown> };
  try {
    model = (await transformers.CLIPVisionModelWithProjection.from_pretrained(id, { dtype: options.dtype ?? 'fp32', revision, local_files_only: isLocal } as never)) as never;
    preprocessorConfig = isLocal
      ? JSON.parse(await readFile(join(local, 'preprocessor_config.json'), 'utf8'))
      : ((await transformers.AutoProcessor.from_pretrained(id, { revision } as never)) as unknown as { image_processor: { config: Record<string, unknown> } }).image_processor.config;
  } catch (error) {
    const message = (error as Error).message;
    const why = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED/i.test(message)
      ? msg.clipUnreachable(message, String(env.cacheDir))
      : message;
    throw new StudyError(msg.clipNotLoaded(options.model, why), { cause: error });
  }
  const preprocessor = parsePreprocessor(preprocessorConfig);
  return {
    name: isLocal ? local : `${id}${revision ? `@${revision.slice(0, 7)}` : ''}`,
    preprocessor,
    async embed(pixelValues, n) {
      const tensor = new transformers.Tensor('float32', pixelValues, [n, 3, preprocessor.crop.height, preprocessor.crop.width]);
      const output = await model({ pixel_values: tensor });
      const embeds = output.image_embeds!;
      return { data: Float32Array.from(embeds.data), dim: embeds.dims[1]! };
    },
    dispose: async () => void (await model.dispose()),
  };
}

/**
 * Decodes one photo into the network's input: 8-bit sRGB RGB, size x size. EXIF orientation
 * is applied; CMYK, greyscale, palette and 16-bit images are converted; alpha is flattened on
 * white. Resize modes: `cover` scales the short side to `size` and centre-crops the long side
 * (the default: no distortion, the garment centred), `contain` letterboxes on white, `fill`
 * stretches.
 *
 * Two decoders. Plain JPEGs (no rotation, no ICC profile, not CMYK, no libjpeg warning) go to
 * libjpeg-turbo when its addon is built (jpeg-turbo.ts): DCT-scaled decoding like PIL's draft
 * mode, then Lanczos-3. Everything else, and everything when the addon is missing or
 * `preprocess.decoder` is "sharp", goes to sharp, which also shrinks JPEGs while decoding
 * (less aggressively), so a full-size photo is never held decoded in memory either way.
 */
import sharp from 'sharp';
import { StudyError } from '../core/errors.ts';
import { decodeJpegScaled, jpegTurboStatus } from './jpeg-turbo.ts';
import * as msg from '../core/messages.ts';

export type Decoder = 'libjpeg-turbo' | 'sharp';
export type DecoderChoice = 'auto' | Decoder;

export interface DecodeOptions {
  size: number;
  fit: 'cover' | 'contain' | 'fill';
  maxPixels: number;
  /** `auto` (the default): libjpeg-turbo when built, else sharp. */
  decoder?: DecoderChoice;
}

export interface DecodedPhoto {
  data: Buffer;
  decoder: Decoder;
  /** Why libjpeg-turbo handed the photo to sharp, when it did. */
  fallback?: string;
}

const WHITE = { r: 255, g: 255, b: 255 };

// libvips' operation cache keeps recent operations for reuse; each photo is decoded once, so
// it only costs: without it, 400x533 photos go about 20% faster (measured, bench/run.ts).
sharp.cache(false);

/** The decoder a choice means on this machine; asking for libjpeg-turbo without the addon is an error. */
export function resolveDecoder(choice: DecoderChoice = 'auto'): Decoder {
  if (choice === 'sharp') return 'sharp';
  const status = jpegTurboStatus();
  if (status.available) return 'libjpeg-turbo';
  if (choice === 'libjpeg-turbo') throw new StudyError(msg.decoderUnavailable(status.reason ?? 'the libjpeg-turbo addon is not available'));
  return 'sharp';
}

export async function decodePhoto(input: string | Buffer, options: DecodeOptions): Promise<DecodedPhoto> {
  let fallback: string | undefined;
  if (resolveDecoder(options.decoder) === 'libjpeg-turbo') {
    const fast = await decodeJpegScaled(input, options.size, options.fit, options.maxPixels);
    if (Buffer.isBuffer(fast)) return { data: fast, decoder: 'libjpeg-turbo' };
    fallback = fast ?? undefined;
  }
  return { data: await decodeWithSharp(input, options), decoder: 'sharp', ...(fallback ? { fallback } : {}) };
}

export async function decodeToRgb(input: string | Buffer, options: DecodeOptions): Promise<Buffer> {
  return (await decodePhoto(input, options)).data;
}

async function decodeWithSharp(input: string | Buffer, options: DecodeOptions): Promise<Buffer> {
  const { data, info } = await sharp(input, { limitInputPixels: options.maxPixels, failOn: 'truncated' })
    .rotate()
    .flatten({ background: WHITE })
    .resize(options.size, options.size, { fit: options.fit, position: 'centre', background: WHITE })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== options.size || info.height !== options.size || data.length !== options.size * options.size * 3) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${options.size}x${options.size}x3`);
  }
  return data;
}

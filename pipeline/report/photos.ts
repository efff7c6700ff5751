/**
 * Photos as the site publishes them. Scraped photos belong to their sellers, so
 * `site.thumbnails` decides: `full` (resized), `blurred` (a strong blur: shapes and colours,
 * no detail), or `none` (a neutral tile). Every published file is re-encoded from pixels,
 * so no EXIF or other metadata (location, camera, owner) survives.
 */
import sharp from 'sharp';
import { createHash } from 'node:crypto';

export type ThumbnailMode = 'full' | 'blurred' | 'none';

/** size x size x 3 RGB bytes of the photo, centre-cropped as the network saw it. */
export async function publishablePixels(path: string, size: number, mode: ThumbnailMode, maxPixels: number): Promise<Buffer> {
  if (mode === 'none') return Buffer.alloc(size * size * 3, 200);
  let image = sharp(path, { limitInputPixels: maxPixels })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .toColourspace('srgb')
    .removeAlpha();
  if (mode === 'blurred') image = image.blur(Math.max(3, size / 16));
  return image.raw({ depth: 'uchar' }).toBuffer();
}

export function encodeJpeg(pixels: Buffer, size: number): Promise<Buffer> {
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
}

/** A file name for a listing's picture that no scraped id can turn into a path or markup. */
export function safeName(prefix: string, id: string): string {
  return `${prefix}-${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}

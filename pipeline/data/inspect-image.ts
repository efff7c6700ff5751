/**
 * Opens one listing's photo and says whether it can be used: readable, an image, not a
 * decompression bomb, fully decodable. Returns what duplicate detection needs (a content
 * hash and a perceptual hash). The header is read before any pixel is decoded, so an image
 * that claims 30000x30000 is refused without allocating it.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { PHASH_SIDE, phashFromGrey } from './perceptual-hash.ts';
import * as msg from '../core/messages.ts';

export type ImageProblemReason = 'missing' | 'unreadable' | 'not_an_image' | 'too_large' | 'outside_root';

export type InspectResult =
  | { ok: true; sha256: string; phash: bigint; width: number; height: number; format: string }
  | { ok: false; reason: ImageProblemReason; detail: string };

const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/**
 * A decoder's message as one line: libvips repeats a line per warning ("Input buffer has
 * corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: premature end …" up to five
 * times), which would break the one-line-per-row output and the data-quality table. Lines are
 * trimmed and repeats dropped; the decoder's tag ("VipsJpeg: ") is kept once and what it said
 * joined with "; ".
 */
export function oneLine(message: string): string {
  const lines = [...new Set(message.split(/\r\n|\r|\n/).map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== ''))];
  if (lines.length <= 1) return lines[0] ?? message.trim();
  const [first, ...rest] = lines as [string, ...string[]];
  const tag = /^\w+: /.exec(rest[0]!)?.[0];
  const at = tag ? first.indexOf(tag) : -1;
  if (!tag || at < 0 || !rest.every((l) => l.startsWith(tag))) return lines.join('; ');
  const head = first.slice(0, at + tag.length);
  const said = [...new Set([first.slice(head.length), ...rest.map((l) => l.slice(tag.length))].map((l) => l.trim()).filter((l) => l !== ''))];
  return head + said.join('; ');
}

export async function inspectImage(path: string, maxPixels: number): Promise<InspectResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { ok: false, reason: 'unreadable', detail: oneLine((error as Error).message) };
  }
  if (bytes.length === 0) return { ok: false, reason: 'unreadable', detail: msg.problem.emptyImage() };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const message = (error as Error).message;
    return /unsupported image format/i.test(message)
      ? { ok: false, reason: 'not_an_image', detail: msg.problem.notImageFormat() }
      : { ok: false, reason: 'unreadable', detail: oneLine(message) };
  }
  if (!meta.format || !FORMATS.has(meta.format)) {
    return { ok: false, reason: 'not_an_image', detail: msg.problem.unsupportedFormat(meta.format) };
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > maxPixels) {
    return { ok: false, reason: 'too_large', detail: msg.problem.tooLarge(width, height, maxPixels) };
  }
  if (width < 1 || height < 1) return { ok: false, reason: 'unreadable', detail: msg.problem.badDimensions(width, height) };
  let grey: Buffer;
  try {
    // Decoding the whole image is the only way to find truncated or corrupt data.
    grey = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize(PHASH_SIDE, PHASH_SIDE, { fit: 'fill' })
      .raw()
      .toBuffer();
  } catch {
    // libvips' own message varies between runs when decoders run concurrently ("Unknown
    // error" instead of "premature end of JPEG"), and reports must be reproducible.
    return { ok: false, reason: 'unreadable', detail: msg.problem.undecodable(meta.format) };
  }
  return {
    ok: true,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    phash: phashFromGrey(grey),
    width,
    height,
    format: meta.format,
  };
}

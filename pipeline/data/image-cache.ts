/**
 * The preprocessed images of one split: `<side>.u8` holds count x size x size x 3 bytes
 * (HWC, RGB, in the order of `<side>.json`), so training reads any image with one positioned
 * read and never decodes a photo again. 62,500 images at 96 px are 1.7 GB on disk, read as
 * needed rather than held in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileError } from '../core/errors.ts';
import type { Side } from './split.ts';
import * as msg from '../core/messages.ts';

export interface ImageCacheIndex {
  schema: 1;
  size: number;
  count: number;
  ids: string[];
  /** 1 = sold, 0 = not_sold. */
  labels: number[];
  images: string[];
}

export function imageCachePaths(cacheDir: string, side: Side) {
  const dir = join(cacheDir, 'preprocess');
  return { pixels: join(dir, `${side}.u8`), index: join(dir, `${side}.json`) };
}

export class ImageCache {
  readonly bytesPerImage: number;
  private fd: number | undefined;

  constructor(readonly index: ImageCacheIndex, private readonly path: string) {
    this.bytesPerImage = index.size * index.size * 3;
  }

  static open(cacheDir: string, side: Side): Promise<ImageCache> {
    return ImageCache.at(imageCachePaths(cacheDir, side).index);
  }

  /** The cache whose index is at `indexPath` (its pixels lie beside it, as `.u8`). */
  static async at(indexPath: string): Promise<ImageCache> {
    let index: ImageCacheIndex;
    try {
      index = JSON.parse(await readFile(indexPath, 'utf8'));
    } catch {
      throw new FileError(indexPath, msg.notPreprocessedYet());
    }
    return new ImageCache(index, indexPath.replace(/\.json$/, '.u8'));
  }

  get count(): number {
    return this.index.count;
  }

  /** Image `i` as size x size x 3 bytes, written into `out` at `offset` (or a new buffer). */
  read(i: number, out = Buffer.alloc(this.bytesPerImage), offset = 0): Buffer {
    if (i < 0 || i >= this.count) throw new RangeError(`image ${i} of ${this.count}`);
    this.fd ??= openSync(this.path, 'r');
    const n = readSync(this.fd, out, offset, this.bytesPerImage, i * this.bytesPerImage);
    if (n !== this.bytesPerImage) throw new FileError(this.path, msg.imageCacheTruncated(i, n));
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

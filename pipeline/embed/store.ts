/** Embedding matrices on disk: `<name>.f32` (N x D float32, row-major) and `<name>.json` (ids). */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FileError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';

export interface EmbeddingIndex {
  schema: 1;
  ids: string[];
  images: string[];
  labels: number[];
  dim: number;
}

export const embeddingPaths = (cache: string, name: string) => ({
  data: join(cache, 'embed', `${name}.f32`),
  index: join(cache, 'embed', `${name}.json`),
});

/** The matrix whose index is at `indexPath` (its rows lie beside it, as `.f32`). */
export async function readEmbeddings(indexPath: string): Promise<{ index: EmbeddingIndex; rows: Float32Array[] }> {
  const dataPath = indexPath.replace(/\.json$/, '.f32');
  let index: EmbeddingIndex;
  let bytes: Buffer;
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8'));
    bytes = await readFile(dataPath);
  } catch {
    throw new FileError(dataPath, msg.noEmbeddings(basename(indexPath, '.json')));
  }
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return { index, rows: index.ids.map((_, i) => all.slice(i * index.dim, (i + 1) * index.dim)) };
}

/** Embedding matrices on disk: `<name>.f32` (N x D float32, row-major) and `<name>.json` (ids). */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileError } from '../core/errors.ts';

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

export async function readEmbeddings(cache: string, name: string): Promise<{ index: EmbeddingIndex; rows: Float32Array[] }> {
  const paths = embeddingPaths(cache, name);
  let index: EmbeddingIndex;
  let bytes: Buffer;
  try {
    index = JSON.parse(await readFile(paths.index, 'utf8'));
    bytes = await readFile(paths.data);
  } catch {
    throw new FileError(paths.data, `no ${name} embeddings: run the embed-${name} stage first`);
  }
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return { index, rows: index.ids.map((_, i) => all.slice(i * index.dim, (i + 1) * index.dim)) };
}

export async function embeddingsExist(cache: string, name: string): Promise<boolean> {
  try {
    await access(embeddingPaths(cache, name).index);
    return true;
  } catch {
    return false;
  }
}

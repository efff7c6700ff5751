/** Test arrays for the clustering benchmarks, and the .npy files the Python anchors read. */
import { writeFile } from 'node:fs/promises';
import { createRandom, keyedUniform, normal } from '../pipeline/core/random.ts';

/** `centers` Gaussian blobs in `dims` dimensions (seeded): clustered data of known structure. */
export function blobs(n: number, dims: number, centers: number, seed: number): number[][] {
  const random = createRandom(seed);
  const means = Array.from({ length: centers }, () => Array.from({ length: dims }, () => (random() - 0.5) * 20));
  return Array.from({ length: n }, (_, i) => means[i % centers]!.map((m) => m + normal(random) * 2));
}

/** A fixed random subset of 0..n-1 (at most `size`), on which trustworthiness is measured (it is O(N^2)). */
export function trustSample(n: number, size: number): number[] {
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => keyedUniform(0, 'bench', String(a)) - keyedUniform(0, 'bench', String(b))).slice(0, Math.min(n, size));
}

/** Rows as a float64 .npy file (NumPy format 1.0). */
export async function writeNpy(path: string, rows: number[][]): Promise<void> {
  const header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows.length}, ${rows[0]!.length}), }`;
  const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(padded.length, 8);
  await writeFile(path, Buffer.concat([head, Buffer.from(padded, 'latin1'), Buffer.from(Float64Array.from(rows.flat()).buffer)]));
}

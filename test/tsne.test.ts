/** Barnes-Hut t-SNE against scikit-learn's on clustered data: trustworthiness within 0.01. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { bruteNeighbours, tsne, trustworthiness, vpTreeNeighbours } from '../pipeline/cluster/tsne.ts';
import { pca } from '../pipeline/cluster/pca.ts';
import { Matrix } from '../pipeline/cluster/kmeans.ts';
import { createRandom } from '../pipeline/core/random.ts';

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/tsne-reference.json', import.meta.url), 'utf8')) as { x: number[][]; labels: number[]; trustworthiness: number };

test('trustworthiness (k = 10) no more than 0.01 below scikit-learn TSNE on the same data', async () => {
  const y = await tsne(reference.x, { seed: 0 });
  assert.equal(y.length, reference.x.length);
  const ours = trustworthiness(reference.x, y, 10);
  assert.ok(ours >= reference.trustworthiness - 0.01, `ours ${ours.toFixed(4)}, scikit-learn ${reference.trustworthiness.toFixed(4)}`);
  // Seeded: the same input gives the same map.
  assert.deepEqual(await tsne(reference.x.slice(0, 200), { seed: 0, iterations: 300 }), await tsne(reference.x.slice(0, 200), { seed: 0, iterations: 300 }));
});

test('nearest neighbours by brute force in onnxruntime equal the vantage-point tree', async () => {
  const x = Matrix.from(reference.x);
  const brute = await bruteNeighbours(x, 30);
  assert.ok(brute, 'onnxruntime loads');
  const tree = vpTreeNeighbours(x, 30, 0);
  assert.deepEqual(brute.indices, tree.indices);
  for (let i = 0; i < tree.distances.length; i++) assert.ok(Math.abs(brute.distances[i]! - tree.distances[i]!) <= 1e-9 * Math.max(1, tree.distances[i]!), `distance ${i}`);
});

test('wide inputs are reduced by PCA first; too few points for the perplexity is an error naming both', async () => {
  const random = createRandom(3);
  const wide = Array.from({ length: 120 }, (_, i) => Array.from({ length: 80 }, (_, d) => (i % 3) * 5 * (d % 2) + random()));
  const y = await tsne(wide, { perplexity: 10, iterations: 300 });
  assert.ok(y.every((p) => p.length === 2 && p.every(Number.isFinite)));
  await assert.rejects(tsne(wide.slice(0, 30), { perplexity: 10 }), /30 points, perplexity 10/);
});

test('PCA finds the directions of largest variance, in order', () => {
  const random = createRandom(9);
  const rows = Array.from({ length: 400 }, () => {
    const a = (random() - 0.5) * 10;
    const b = (random() - 0.5) * 3;
    return [a, b, a + 0.01 * random(), 0.1 * random()];
  });
  const { variances, projected } = pca(Matrix.from(rows), 2);
  assert.ok(variances[0]! > variances[1]!);
  assert.ok(Math.abs(variances[0]! - 2 * (100 / 12)) / (2 * (100 / 12)) < 0.15, `first variance ${variances[0]}`);
  assert.equal(projected.cols, 2);
});

test('PCA through the Gram matrix (fewer points than dimensions): scores have the reported variances', () => {
  const random = createRandom(21);
  const rows = Array.from({ length: 40 }, () => Array.from({ length: 60 }, (_, d) => (d < 3 ? 5 : 1) * (random() - 0.5)));
  const { projected, variances } = pca(Matrix.from(rows), 3);
  for (let c = 0; c < 3; c++) {
    let mean = 0;
    for (let i = 0; i < 40; i++) mean += projected.data[i * 3 + c]! / 40;
    let v = 0;
    for (let i = 0; i < 40; i++) v += (projected.data[i * 3 + c]! - mean) ** 2 / 39;
    assert.ok(Math.abs(v - variances[c]!) / variances[c]! < 1e-6, `component ${c}: ${v} vs ${variances[c]}`);
  }
  assert.ok(variances[0]! > variances[1]! && variances[1]! > variances[2]!);
  // The three dimensions with 5x the spread dominate: about 25/12 each.
  assert.ok(variances[2]! > 1, `third variance ${variances[2]}`);
});

test('the map does not depend on how many threads share the forces', async () => {
  const random = createRandom(11);
  // Above the size where helper threads start (2,000 points).
  const rows = Array.from({ length: 2100 }, (_, i) => Array.from({ length: 8 }, (_, d) => (i % 5) * 3 * (d % 2) + random()));
  const one = await tsne(rows, { seed: 0, iterations: 60, threads: 1 });
  const two = await tsne(rows, { seed: 0, iterations: 60, threads: 2 });
  assert.deepEqual(two, one);
});

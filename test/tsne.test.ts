/** Barnes-Hut t-SNE against scikit-learn's on clustered data: trustworthiness within 0.01. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tsne } from '../pipeline/cluster/tsne.ts';
import { bruteNeighbours, vpTreeNeighbours } from '../pipeline/cluster/tsne-neighbours.ts';
import { barnesHutRepulsion } from '../pipeline/cluster/tsne-tree.ts';
import { trustworthiness } from '../pipeline/cluster/trustworthiness.ts';
import { pca } from '../pipeline/cluster/pca.ts';
import { Matrix } from '../pipeline/cluster/distances.ts';
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

test('PCA finds the directions of largest variance, in order', async () => {
  const random = createRandom(9);
  const rows = Array.from({ length: 400 }, () => {
    const a = (random() - 0.5) * 10;
    const b = (random() - 0.5) * 3;
    return [a, b, a + 0.01 * random(), 0.1 * random()];
  });
  const { variances, projected } = await pca(Matrix.from(rows), 2);
  assert.ok(variances[0]! > variances[1]!);
  assert.ok(Math.abs(variances[0]! - 2 * (100 / 12)) / (2 * (100 / 12)) < 0.15, `first variance ${variances[0]}`);
  assert.equal(projected.cols, 2);
});

test('PCA through the Gram matrix (fewer points than dimensions): scores have the reported variances', async () => {
  const random = createRandom(21);
  const rows = Array.from({ length: 40 }, () => Array.from({ length: 60 }, (_, d) => (d < 3 ? 5 : 1) * (random() - 0.5)));
  const { projected, variances } = await pca(Matrix.from(rows), 3);
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

test('duplicate points keep their mass in the quadtree and do not repel themselves', () => {
  const random = createRandom(8);
  const unique = Array.from({ length: 40 }, () => [random() * 10, random() * 10]);
  // Point 0 three times, point 1 twice (inserted apart, so their leaves split later).
  const points = [...unique, unique[0]!, unique[1]!, unique[0]!];
  const nudge = (p: number[], i: number) => (i >= 40 ? [p[0]! + (i - 39) * 1e-9, p[1]!] : p);
  const exact = barnesHutRepulsion(Float64Array.from(points.flat()), points.length);
  const apart = barnesHutRepulsion(Float64Array.from(points.map(nudge).flat()), points.length);
  assert.ok(Math.abs(exact.z - apart.z) < 1e-9 * apart.z, `Z ${exact.z} vs ${apart.z}`);
  // The nudged copies push each other by about their 1e-9 offsets.
  for (let i = 0; i < exact.forces.length; i++) assert.ok(Math.abs(exact.forces[i]! - apart.forces[i]!) < 1e-7, `force ${i}: ${exact.forces[i]} vs ${apart.forces[i]}`);
  // Exact (theta 0): Z is the sum over ordered pairs i != j of 1 / (1 + d^2).
  let z = 0;
  for (let i = 0; i < points.length; i++) for (let j = 0; j < points.length; j++) if (i !== j) z += 1 / (1 + (points[i]![0]! - points[j]![0]!) ** 2 + (points[i]![1]! - points[j]![1]!) ** 2);
  assert.ok(Math.abs(barnesHutRepulsion(Float64Array.from(points.flat()), points.length, 0).z - z) < 1e-9 * z);
});

test('duplicated rows: the map equals the map of the same rows nudged apart by 1e-9', async () => {
  const random = createRandom(5);
  const base = Array.from({ length: 90 }, (_, i) => Array.from({ length: 6 }, (_, d) => (i % 3) * 4 * (d % 2) + random()));
  // Every tenth row twice and every thirtieth three times: leaves holding 2 and 3 equal points.
  const rows: number[][] = [];
  const nudged: number[][] = [];
  base.forEach((row, i) => {
    const copies = i % 30 === 0 ? 3 : i % 10 === 0 ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      rows.push(row.slice());
      nudged.push(row.map((v, d) => (d === 0 ? v + c * 1e-9 : v)));
    }
  });
  // Five iterations: every force acts, and the map grows 20,000-fold. Later, the gains' sign
  // rule makes any run chaotic (two nudges, 1e-9 and 2e-9, differ by the map's size after 20
  // iterations, in scikit-learn as here), so equality is a property of the first steps only.
  const a = await tsne(rows, { perplexity: 10, iterations: 5, seed: 0 });
  const b = await tsne(nudged, { perplexity: 10, iterations: 5, seed: 0 });
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.hypot(a[i]![0]!, a[i]![1]!));
    worst = Math.max(worst, Math.hypot(a[i]![0]! - b[i]![0]!, a[i]![1]! - b[i]![1]!));
  }
  assert.ok(worst < 1e-6 * scale, `largest difference ${worst} on a map of radius ${scale}`);
});

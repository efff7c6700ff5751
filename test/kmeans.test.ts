/** KMeans inertia within 1% of scikit-learn's (n_init=10) at every K; the elbow and its knee. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { kmeans } from '../pipeline/cluster/kmeans.ts';
import { distanceEngine, jsDistances, Matrix } from '../pipeline/cluster/distances.ts';
import { elbow, kneedle } from '../pipeline/cluster/elbow.ts';

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/kmeans-reference.json', import.meta.url), 'utf8')) as { x: number[][]; inertia: Record<string, number> };
const x = Matrix.from(reference.x);

test('inertia within 1% of scikit-learn KMeans (n_init = 10) for K = 2..10', async () => {
  for (const [k, sk] of Object.entries(reference.inertia)) {
    const ours = await kmeans(x, Number(k), { restarts: 10, seed: 0 });
    assert.ok(ours.inertia <= sk * 1.01, `K=${k}: ours ${ours.inertia.toFixed(1)}, scikit-learn ${sk.toFixed(1)}`);
    assert.equal(ours.labels.length, reference.x.length);
    assert.equal(new Set(ours.labels).size, Number(k), 'no empty cluster');
  }
});

test('labels, centroids and inertia agree with each other; seeded runs repeat', async () => {
  const r = await kmeans(x, 4, { restarts: 3, seed: 5 });
  let inertia = 0;
  reference.x.forEach((row, i) => (inertia += row.reduce((s, v, j) => s + (v - r.centroids[r.labels[i]!]![j]!) ** 2, 0)));
  assert.ok(Math.abs(inertia - r.inertia) / inertia < 1e-9);
  assert.deepEqual((await kmeans(x, 4, { restarts: 3, seed: 5 })).labels, r.labels);
});

test('distances in onnxruntime (float32 matrix product) and in JavaScript (float64) give the same clustering', async () => {
  const engine = await distanceEngine(x, 'onnxruntime');
  try {
    for (const k of [2, 5, 8]) {
      const fast = await kmeans(x, k, { restarts: 3, seed: 1, distances: engine });
      const exact = await kmeans(x, k, { restarts: 3, seed: 1, distances: jsDistances(x) });
      assert.deepEqual(fast.labels, exact.labels, `K=${k} labels`);
      assert.ok(Math.abs(fast.inertia - exact.inertia) / exact.inertia < 1e-6, `K=${k} inertia ${fast.inertia} vs ${exact.inertia}`);
    }
  } finally {
    await engine.close?.();
  }
});

test('the elbow finds the six blobs; Kneedle picks the bend of a textbook curve', async () => {
  const result = await elbow(x, [2, 3, 4, 5, 6, 7, 8, 9, 10], { restarts: 4, seed: 0 });
  assert.equal(result.method, 'kneedle');
  assert.equal(result.elbow.length, 9);
  assert.ok(result.chosen_k >= 4 && result.chosen_k <= 7, `chose ${result.chosen_k}`);
  assert.equal(kneedle([{ k: 1, inertia: 100 }, { k: 2, inertia: 30 }, { k: 3, inertia: 20 }, { k: 4, inertia: 15 }, { k: 5, inertia: 12 }]), 2);
});

test('a curve without a knee is said to have none, and the elbow falls back to the smallest K', async () => {
  const curve = (ys: number[]) => ys.map((inertia, i) => ({ k: i + 2, inertia }));
  assert.equal(kneedle(curve([10, 9, 8, 7, 6, 5])), null, 'straight');
  assert.equal(kneedle(curve([5, 5, 5, 5])), null, 'flat');
  assert.equal(kneedle(curve([10, 9.9, 9.6, 9, 8, 6])), null, 'concave');
  assert.equal(kneedle(curve([10, 3])), null, 'two points');
  // A mild convex curve (inertia ~ K^-0.3) still has one; on a tie the smallest K wins.
  assert.equal(kneedle(curve([2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => k ** -0.3))), 5);
  assert.equal(kneedle([8, 4, 3, 2.5, 2, 1.5, 1, 0.5, 0].map((inertia, i) => ({ k: i + 1, inertia }))), 2, 'K = 2 and 3 tie');
  // Points on a line: every K lowers the inertia alike.
  const line = Matrix.from(Array.from({ length: 40 }, (_, i) => [i, 0]));
  const flat = await elbow(line, [2, 3], { restarts: 2, seed: 0 });
  assert.equal(flat.method, 'no_knee_fallback');
  assert.equal(flat.knee_k, null);
  assert.equal(flat.chosen_k, 2);
  assert.equal(flat.result.k, 2);
});

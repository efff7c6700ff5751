/** PCA and trustworthiness against scikit-learn (scripts/reference/pca_reference.py). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Matrix } from '../pipeline/cluster/distances.ts';
import { pca } from '../pipeline/cluster/pca.ts';
import { trustworthiness } from '../pipeline/cluster/trustworthiness.ts';

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/pca-reference.json', import.meta.url), 'utf8'));

for (const c of reference.cases as { name: string; x: number[][]; k: number; scores: number[][]; explained_variance: number[]; total_variance: number }[]) {
  test(`PCA equals scikit-learn's PCA(svd_solver="full"): ${c.name}`, async () => {
    const result = await pca(Matrix.from(c.x), c.k);
    const n = c.x.length;
    assert.equal(result.projected.cols, c.k);
    assert.ok(Math.abs(result.total_variance - c.total_variance) <= 1e-9 * c.total_variance, 'total variance');
    const ev = c.explained_variance;
    for (let j = 0; j < c.k; j++) {
      assert.ok(Math.abs(result.variances[j]! - ev[j]!) <= 1e-6 * ev[j]!, `variance ${j}: ${result.variances[j]} vs ${ev[j]}`);
      // Components are defined where the eigenvalue is apart from its neighbours (> 1%).
      const gap = Math.min(j > 0 ? ev[j - 1]! / ev[j]! - 1 : Infinity, j + 1 < ev.length ? ev[j]! / ev[j + 1]! - 1 : Infinity);
      if (gap <= 0.01) continue;
      let dot = 0;
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        const ours = result.projected.data[i * c.k + j]!;
        const theirs = c.scores[i]![j]!;
        dot += ours * theirs;
        a += ours * ours;
        b += theirs * theirs;
      }
      assert.ok(dot / Math.sqrt(a * b) >= 0.9999, `component ${j}: cos ${dot / Math.sqrt(a * b)} (same sign as svd_flip too)`);
    }
  });
}

test('k >= N: at most N - 1 components, orthogonal scores, variances that sum to the total', async () => {
  const c = reference.cases[1] as { x: number[][]; total_variance: number };
  const n = c.x.length;
  const result = await pca(Matrix.from(c.x), n);
  assert.equal(result.projected.cols, n - 1);
  assert.equal(result.dropped, 1);
  const sum = result.variances.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - c.total_variance) < 1e-9 * c.total_variance, `${sum} vs ${c.total_variance}`);
  for (let p = 0; p < n - 1; p++) {
    for (let q = p + 1; q < n - 1; q++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += result.projected.data[i * (n - 1) + p]! * result.projected.data[i * (n - 1) + q]!;
      assert.ok(Math.abs(dot) < 1e-8 * c.total_variance * n, `scores ${p} and ${q} not orthogonal: ${dot}`);
    }
  }
});

test("trustworthiness equals sklearn.manifold.trustworthiness on a stored embedding", () => {
  const t = reference.trustworthiness as { x: number[][]; embedding: number[][]; values: Record<string, number> };
  for (const [k, expected] of Object.entries(t.values)) {
    assert.ok(Math.abs(trustworthiness(t.x, t.embedding, Number(k)) - expected) < 1e-12, `k = ${k}`);
  }
});

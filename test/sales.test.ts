import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holm, normalCdf, salesByCluster, twoProportionTest, wilson } from '../pipeline/cluster/sales.ts';

test('Wilson interval, z-test and Holm correction match textbook values', () => {
  // Wilson 95% for 8/10: (0.4902, 0.9433) (statsmodels proportion_confint method='wilson').
  const [lo, hi] = wilson(8, 10);
  assert.ok(Math.abs(lo - 0.4902) < 1e-4 && Math.abs(hi - 0.9433) < 1e-4, `${lo} ${hi}`);
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-7);
  // 60/100 vs 40/100: z = 2.8284, p = 0.004678 (pooled two-proportion test).
  const t = twoProportionTest(60, 100, 40, 100);
  assert.ok(Math.abs(t.z - 2.828427) < 1e-5 && Math.abs(t.p - 0.004678) < 1e-5, `${t.z} ${t.p}`);
  assert.deepEqual(holm([0.01, 0.04, 0.03, 0.005]).map((p) => Number(p.toFixed(4))), [0.03, 0.06, 0.06, 0.02]);
});

test('sell-through per cluster: sizes, rates and differences add up', () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2];
  const sold = [1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0];
  const { overall_rate, clusters } = salesByCluster(labels, sold, 3);
  assert.equal(overall_rate, 5 / 12);
  assert.deepEqual(clusters.map((c) => [c.size, c.sold]), [[4, 3], [6, 1], [2, 1]]);
  assert.ok(Math.abs(clusters[0]!.difference - (3 / 4 - 2 / 8)) < 1e-12);
  assert.ok(clusters.every((c) => c.p_holm >= c.p_value && c.ci95[0] <= c.sold_rate && c.sold_rate <= c.ci95[1]));
});

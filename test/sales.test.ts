/** Sell-through statistics against statsmodels and scipy (scripts/reference/sales_reference.py). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { holm, newcombe, normalCdf, salesByCluster, twoProportionTest, wilson } from '../pipeline/cluster/sales.ts';
import { erfc, normalSf, twoSidedP } from '../pipeline/core/normal.ts';

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/sales-reference.json', import.meta.url), 'utf8'));
const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(b), 1e-300), `${what}: ${a} vs ${b}`);

test("Newcombe's hybrid score interval and the pooled z-test equal statsmodels", () => {
  for (const t of reference.tables as { x1: number; n1: number; x2: number; n2: number; newcombe: [number, number]; z?: number; p?: number }[]) {
    const what = `${t.x1}/${t.n1} vs ${t.x2}/${t.n2}`;
    const [lo, hi] = newcombe(t.x1, t.n1, t.x2, t.n2);
    assert.ok(Math.abs(lo - t.newcombe[0]) < 1e-12 && Math.abs(hi - t.newcombe[1]) < 1e-12, `${what}: [${lo}, ${hi}] vs ${t.newcombe}`);
    const z = twoProportionTest(t.x1, t.n1, t.x2, t.n2);
    if (t.z === undefined) assert.equal(z, null, `${what}: not testable`);
    else {
      close(z!.z, t.z, 1e-12, `${what} z`);
      close(z!.p, t.p!, 1e-12, `${what} p`);
    }
  }
});

test('normal tails to full precision, however far out', () => {
  for (const { z, sf, cdf, cdf_neg } of reference.tails as { z: number; sf: number; cdf: number; cdf_neg: number }[]) {
    // z / sqrt(2) is rounded, and the tail's relative condition number is about z^2.
    const rel = Math.max(5e-14, z * z * 4 * Number.EPSILON);
    close(normalSf(z), sf, rel, `sf(${z})`);
    close(normalCdf(z), cdf, 1e-15, `cdf(${z})`);
    close(normalCdf(-z), cdf_neg, rel, `cdf(-${z})`);
    if (sf > 0) assert.ok(normalSf(z) > 0, `sf(${z}) is not rounded to 0`);
  }
  const ten = (reference.tails as { z: number; sf: number }[]).find((t) => t.z === 10)!;
  close(twoSidedP(-10), 2 * ten.sf, 1e-13, 'two-sided p at z = -10');
  assert.equal(erfc(0), 1);
  close(erfc(-1), 2 - erfc(1), 1e-16, 'erfc(-x)');
});

test('Wilson interval and Holm correction equal statsmodels', () => {
  // statsmodels proportion_confint(8, 10, method='wilson').
  const [lo, hi] = wilson(8, 10);
  assert.ok(Math.abs(lo - 0.49016247153664183) < 1e-14 && Math.abs(hi - 0.9433178485456247) < 1e-14, `${lo} ${hi}`);
  const h = reference.holm as { p: number[]; adjusted: number[] };
  holm(h.p).forEach((p, i) => close(p, h.adjusted[i]!, 1e-12, `holm ${i}`));
});

test('sell-through per cluster: sizes, rates and differences add up; degenerate clusters are not testable', () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2];
  const sold = [1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0];
  const { overall_rate, clusters } = salesByCluster(labels, sold, 3);
  assert.equal(overall_rate, 5 / 12);
  assert.deepEqual(clusters.map((c) => [c.size, c.sold]), [[4, 3], [6, 1], [2, 1]]);
  assert.ok(Math.abs(clusters[0]!.difference! - (3 / 4 - 2 / 8)) < 1e-12);
  assert.deepEqual(clusters[0]!.difference_ci95, newcombe(3, 4, 2, 8));
  assert.ok(clusters.every((c) => c.testable && c.p_holm! >= c.p_value! && c.ci95[0] <= c.sold_rate && c.sold_rate <= c.ci95[1]));

  // One empty cluster, and a K of 1 (no rest), and all sold: no test, no made-up z = 0, p = 1.
  const empty = salesByCluster([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0], 3);
  assert.equal(empty.clusters[2]!.testable, false);
  assert.equal(empty.clusters[2]!.p_value, null);
  assert.equal(empty.clusters[2]!.difference_ci95, null);
  assert.equal(empty.clusters[0]!.p_holm, empty.clusters[0]!.p_value! * 2, 'Holm over the two testable clusters');
  const one = salesByCluster([0, 0, 0], [1, 0, 1], 1).clusters[0]!;
  assert.deepEqual([one.testable, one.difference, one.z, one.significant], [false, null, null, false]);
  const allSold = salesByCluster([0, 0, 1, 1], [1, 1, 1, 1], 2).clusters[0]!;
  assert.deepEqual([allSold.testable, allSold.difference], [false, 0]);
  assert.ok(allSold.difference_ci95 !== null);
});

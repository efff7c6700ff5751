/**
 * Sell-through per cluster: each cluster's rate with a Wilson 95% interval; its difference from
 * the rest of the listings with Newcombe's hybrid score interval (Newcombe 1998, method 10:
 * statsmodels' `confint_proportions_2indep(method="newcomb")`), whose coverage holds for small
 * clusters where a Wald interval's does not; a pooled two-proportion z-test against the rest;
 * Holm's correction across the clusters that can be tested. A comparison with an empty side,
 * or where every listing (or none) sold, has no test: it is marked not testable.
 */
import { twoSidedP } from '../core/normal.ts';

const Z95 = 1.959963984540054;
export { normalCdf } from '../core/normal.ts';

/** Wilson score interval (no continuity correction), as statsmodels' `proportion_confint(method="wilson")`. */
export function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const denominator = 1 + (Z95 * Z95) / n;
  const centre = (p + (Z95 * Z95) / (2 * n)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + (Z95 * Z95) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Newcombe's hybrid score interval for p1 - p2 (both groups non-empty). */
export function newcombe(x1: number, n1: number, x2: number, n2: number): [number, number] {
  const [p1, p2] = [x1 / n1, x2 / n2];
  const [l1, u1] = wilson(x1, n1);
  const [l2, u2] = wilson(x2, n2);
  const d = p1 - p2;
  return [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)];
}

/** Pooled two-proportion z-test; null when it cannot be computed (an empty side, pooled rate 0 or 1). */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } | null {
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled === 0 || pooled === 1) return null;
  const z = (x1 / n1 - x2 / n2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { z, p: twoSidedP(z) };
}

/** Holm-Bonferroni adjusted p-values, in the input order. */
export function holm(pValues: number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

export interface ClusterSales {
  cluster: number;
  size: number;
  sold: number;
  sold_rate: number;
  /** Wilson 95% interval of the cluster's rate. */
  ci95: [number, number];
  /** This cluster's rate minus the rest's (null when the rest is empty). */
  difference: number | null;
  /** Newcombe's hybrid score 95% interval of the difference. */
  difference_ci95: [number, number] | null;
  /** False when the z-test cannot be computed: an empty side, or all or none sold overall. */
  testable: boolean;
  z: number | null;
  p_value: number | null;
  /** Holm-adjusted across the testable clusters. */
  p_holm: number | null;
  /** Holm-adjusted p below 0.05. */
  significant: boolean;
}

/** The interval method's name, for the pages that show the intervals. */
export const DIFFERENCE_INTERVAL = "Newcombe's hybrid score interval (method 10)";

export function salesByCluster(labels: number[], sold: number[], k: number): { overall_rate: number; clusters: ClusterSales[] } {
  const total = labels.length;
  const totalSold = sold.reduce((a, b) => a + b, 0);
  const rows = Array.from({ length: k }, (_, cluster) => {
    let size = 0;
    let x = 0;
    labels.forEach((l, i) => {
      if (l === cluster) {
        size++;
        x += sold[i]!;
      }
    });
    const [restN, restX] = [total - size, totalSold - x];
    const comparable = size > 0 && restN > 0;
    const test = twoProportionTest(x, size, restX, restN);
    return {
      cluster,
      size,
      sold: x,
      sold_rate: size ? x / size : 0,
      ci95: wilson(x, size),
      difference: comparable ? x / size - restX / restN : null,
      difference_ci95: comparable ? newcombe(x, size, restX, restN) : null,
      testable: test !== null,
      z: test?.z ?? null,
      p_value: test?.p ?? null,
    };
  });
  const testable = rows.filter((r) => r.testable);
  const adjusted = new Map(holm(testable.map((r) => r.p_value!)).map((p, i) => [testable[i]!.cluster, p]));
  return {
    overall_rate: total ? totalSold / total : 0,
    clusters: rows.map((r) => {
      const p_holm = adjusted.get(r.cluster) ?? null;
      return { ...r, p_holm, significant: p_holm !== null && p_holm < 0.05 };
    }),
  };
}

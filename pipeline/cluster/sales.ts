/**
 * Sell-through per cluster: each cluster's rate with a Wilson 95% interval, its difference
 * from the rest of the listings (Wald interval), a two-proportion z-test against the rest,
 * and Holm's correction across clusters.
 */
const Z95 = 1.959963984540054;

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const denominator = 1 + (Z95 * Z95) / n;
  const centre = (p + (Z95 * Z95) / (2 * n)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + (Z95 * Z95) / (4 * n * n))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Two-sided p-value of the two-proportion z-test (pooled). */
export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  if (n1 === 0 || n2 === 0) return { z: 0, p: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, p: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, p: 2 * (1 - normalCdf(Math.abs(z))) };
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
  ci95: [number, number];
  /** This cluster's rate minus the rest's, with a 95% Wald interval. */
  difference: number;
  difference_ci95: [number, number];
  z: number;
  p_value: number;
  p_holm: number;
  /** Holm-adjusted p below 0.05. */
  significant: boolean;
}

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
    const restN = total - size;
    const restX = totalSold - x;
    const p1 = size ? x / size : 0;
    const p2 = restN ? restX / restN : 0;
    const se = Math.sqrt((size ? (p1 * (1 - p1)) / size : 0) + (restN ? (p2 * (1 - p2)) / restN : 0));
    const test = twoProportionTest(x, size, restX, restN);
    return { cluster, size, sold: x, sold_rate: p1, ci95: wilson(x, size), difference: p1 - p2, difference_ci95: [p1 - p2 - Z95 * se, p1 - p2 + Z95 * se] as [number, number], z: test.z, p_value: test.p };
  });
  const adjusted = holm(rows.map((r) => r.p_value));
  return { overall_rate: total ? totalSold / total : 0, clusters: rows.map((r, i) => ({ ...r, p_holm: adjusted[i]!, significant: adjusted[i]! < 0.05 })) };
}

/**
 * Spearman's rank correlation with a two-sided permutation p-value, as
 * `scipy.stats.permutation_test(..., permutation_type='pairings')` computes it: ranks with ties
 * averaged (scipy.stats.rankdata), rho as Pearson's r of the ranks; every pairing counted when
 * there are at most 8 points (8! = 40,320), else 9,999 seeded random pairings with scipy's +1 on
 * both counts. Two-sided as scipy: twice the smaller one-sided p, at most 1.
 */
import { createRandom } from '../core/random.ts';

export interface SpearmanResult {
  rho: number;
  p: number;
  n: number;
  method: 'exact' | 'permutation';
  draws: number;
}

const EXACT_UP_TO = 8;
const DRAWS = 9999;
/** scipy's relative tolerance for ties between the observed and a permuted statistic. */
const TIE_TOLERANCE = 1e-14;

export function ranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

function* permutations(n: number): Generator<number[]> {
  // Heap's algorithm: every ordering of 0..n-1 once.
  const a = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  yield a.slice();
  for (let i = 0; i < n; ) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [a[j], a[i]] = [a[i]!, a[j]!];
      yield a.slice();
      c[i]!++;
      i = 0;
    } else c[i++] = 0;
  }
}

/** Needs at least 3 points; rho is NaN (and p 1) when either variable is constant. */
export function spearman(x: number[], y: number[], seed = 0): SpearmanResult {
  const n = x.length;
  const rx = ranks(x);
  const ry = ranks(y);
  const rho = pearson(rx, ry);
  if (!Number.isFinite(rho)) return { rho, p: 1, n, method: 'exact', draws: 0 };
  const eps = TIE_TOLERANCE * Math.max(1, Math.abs(rho));
  let below = 0, above = 0;
  const count = (order: number[]) => {
    const r = pearson(rx, order.map((i) => ry[i]!));
    if (r <= rho + eps) below++;
    if (r >= rho - eps) above++;
  };
  const twoSided = (adjust: number, total: number) => Math.min(1, (2 * (Math.min(below, above) + adjust)) / (total + adjust));
  if (n <= EXACT_UP_TO) {
    let total = 0;
    for (const order of permutations(n)) {
      count(order);
      total++;
    }
    return { rho, p: twoSided(0, total), n, method: 'exact', draws: total };
  }
  const random = createRandom(`${seed}:spearman`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let d = 0; d < DRAWS; d++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    count(order);
  }
  return { rho, p: twoSided(1, DRAWS), n, method: 'permutation', draws: DRAWS };
}

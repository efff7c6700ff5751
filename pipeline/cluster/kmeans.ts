/**
 * KMeans (Lloyd's algorithm) with scikit-learn's greedy k-means++ seeding and several
 * restarts, keeping the lowest inertia. Distances use ||x||^2 - 2 x.c + ||c||^2 over
 * Float64Array rows. Written here rather than taken from ml-kmeans: on 12,500 x 512 with
 * K = 2..10, ml-kmeans took about 49 s (mostly seeding) where scikit-learn takes about 1 s.
 */
import { createRandom, type Random } from '../core/random.ts';

export interface KMeansResult {
  k: number;
  labels: number[];
  centroids: number[][];
  /** Sum of squared distances of points to their assigned centroid. */
  inertia: number;
  iterations: number;
}

export interface KMeansOptions {
  restarts?: number;
  seed?: number;
  maxIterations?: number;
  /** Relative tolerance, as scikit-learn's tol (scaled by the mean feature variance). */
  tolerance?: number;
}

export class Matrix {
  constructor(readonly data: Float64Array, readonly rows: number, readonly cols: number) {}

  static from(rows: number[][] | Float64Array[] | Float32Array[]): Matrix {
    const n = rows.length;
    const d = n ? rows[0]!.length : 0;
    const data = new Float64Array(n * d);
    rows.forEach((r, i) => {
      if (r.length !== d) throw new Error(`row ${i} has ${r.length} values, row 0 has ${d}`);
      data.set(r as ArrayLike<number>, i * d);
    });
    return new Matrix(data, n, d);
  }

  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }
}

function squaredNorms(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let j = 0, o = i * m.cols; j < m.cols; j++) s += m.data[o + j]! ** 2;
    out[i] = s;
  }
  return out;
}

function distance2(x: Matrix, i: number, c: Float64Array, cOffset: number, xNorm: number, cNorm: number): number {
  let dot = 0;
  const o = i * x.cols;
  for (let j = 0; j < x.cols; j++) dot += x.data[o + j]! * c[cOffset + j]!;
  return Math.max(0, xNorm - 2 * dot + cNorm);
}

/** Greedy k-means++ (scikit-learn's): 2 + ln(k) candidates per centre, the best kept. */
function seedCentroids(x: Matrix, k: number, norms: Float64Array, random: Random): Float64Array {
  const { rows: n, cols: d } = x;
  const centres = new Float64Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = Math.floor(random() * n);
  centres.set(x.row(first), 0);
  const closest = new Float64Array(n);
  for (let i = 0; i < n; i++) closest[i] = distance2(x, i, centres, 0, norms[i]!, norms[first]!);
  let potential = closest.reduce((a, b) => a + b, 0);
  const candidateDist = new Float64Array(n);
  const bestDist = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let bestCandidate = -1;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      // Sample proportionally to the squared distance to the nearest centre so far.
      let target = random() * potential;
      let candidate = n - 1;
      for (let i = 0; i < n; i++) {
        target -= closest[i]!;
        if (target <= 0) {
          candidate = i;
          break;
        }
      }
      const row = x.row(candidate);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const dist = Math.min(closest[i]!, distance2(x, i, row, 0, norms[i]!, norms[candidate]!));
        candidateDist[i] = dist;
        total += dist;
      }
      if (total < bestPotential) {
        bestPotential = total;
        bestCandidate = candidate;
        bestDist.set(candidateDist);
      }
    }
    centres.set(x.row(bestCandidate), c * d);
    closest.set(bestDist);
    potential = bestPotential;
  }
  return centres;
}

function lloyd(x: Matrix, k: number, norms: Float64Array, centres: Float64Array, maxIterations: number, tol: number) {
  const { rows: n, cols: d } = x;
  const labels = new Int32Array(n);
  const centreNorms = new Float64Array(k);
  let iterations = 0;
  let inertia = 0;
  for (; iterations < maxIterations; iterations++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += centres[c * d + j]! ** 2;
      centreNorms[c] = s;
    }
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDist = Infinity;
      for (let c = 0; c < k; c++) {
        const dist = distance2(x, i, centres, c * d, norms[i]!, centreNorms[c]!);
        if (dist < bestDist) {
          bestDist = dist;
          best = c;
        }
      }
      labels[i] = best;
      inertia += bestDist;
    }
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]++;
      for (let j = 0, o = i * d; j < d; j++) sums[c * d + j] += x.data[o + j]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes the point farthest from its centre (scikit-learn relocates too).
        let far = 0;
        let farDist = -1;
        for (let i = 0; i < n; i++) {
          const dist = distance2(x, i, centres, labels[i]! * d, norms[i]!, centreNorms[labels[i]!]!);
          if (dist > farDist) ((farDist = dist), (far = i));
        }
        sums.set(x.row(far), c * d);
        counts[c] = 1;
      }
      for (let j = 0; j < d; j++) {
        const value = sums[c * d + j]! / counts[c]!;
        shift += (value - centres[c * d + j]!) ** 2;
        centres[c * d + j] = value;
      }
    }
    if (shift <= tol) {
      iterations++;
      break;
    }
  }
  // Final assignment and inertia for the final centres.
  inertia = 0;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centres[c * d + j]! ** 2;
    centreNorms[c] = s;
  }
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDist = Infinity;
    for (let c = 0; c < k; c++) {
      const dist = distance2(x, i, centres, c * d, norms[i]!, centreNorms[c]!);
      if (dist < bestDist) ((bestDist = dist), (best = c));
    }
    labels[i] = best;
    inertia += bestDist;
  }
  return { labels, inertia, iterations };
}

export function kmeans(x: Matrix, k: number, options: KMeansOptions = {}): KMeansResult {
  if (k < 1 || k > x.rows) throw new Error(`k must be between 1 and the number of points (${x.rows}), got ${k}`);
  const random = createRandom(`kmeans:${options.seed ?? 0}:${k}`);
  const norms = squaredNorms(x);
  // scikit-learn's tol is relative to the mean per-feature variance.
  let variance = 0;
  for (let j = 0; j < x.cols; j++) {
    let mean = 0;
    for (let i = 0; i < x.rows; i++) mean += x.data[i * x.cols + j]!;
    mean /= x.rows;
    let v = 0;
    for (let i = 0; i < x.rows; i++) v += (x.data[i * x.cols + j]! - mean) ** 2;
    variance += v / x.rows;
  }
  const tol = (options.tolerance ?? 1e-4) * (variance / x.cols);
  let best: { labels: Int32Array; inertia: number; iterations: number; centres: Float64Array } | undefined;
  for (let r = 0; r < (options.restarts ?? 10); r++) {
    const centres = seedCentroids(x, k, norms, random);
    const run = lloyd(x, k, norms, centres, options.maxIterations ?? 300, tol);
    if (!best || run.inertia < best.inertia) best = { ...run, centres };
  }
  return {
    k,
    labels: Array.from(best!.labels),
    centroids: Array.from({ length: k }, (_, c) => Array.from(best!.centres.subarray(c * x.cols, (c + 1) * x.cols))),
    inertia: best!.inertia,
    iterations: best!.iterations,
  };
}

/**
 * Kneedle (Satopaa et al., 2011) on a decreasing, convex elbow curve: both axes scaled to
 * [0, 1], the knee is the K where (1 - inertia) - K, scaled, is largest.
 */
export function kneedle(points: { k: number; inertia: number }[]): number {
  if (points.length <= 2) return points[0]?.k ?? 1;
  const ks = points.map((p) => p.k);
  const ys = points.map((p) => p.inertia);
  const [kMin, kMax, yMin, yMax] = [Math.min(...ks), Math.max(...ks), Math.min(...ys), Math.max(...ys)];
  let best = points[0]!.k;
  let bestDiff = -Infinity;
  for (const p of points) {
    const xn = (p.k - kMin) / (kMax - kMin || 1);
    const yn = (p.inertia - yMin) / (yMax - yMin || 1);
    const diff = 1 - yn - xn;
    if (diff > bestDiff) ((bestDiff = diff), (best = p.k));
  }
  return best;
}

export function elbow(x: Matrix, ks: number[], options: KMeansOptions = {}) {
  const results = ks.map((k) => kmeans(x, k, options));
  const curve = results.map((r) => ({ k: r.k, inertia: r.inertia }));
  const chosen = kneedle(curve);
  return { elbow: curve, chosen_k: chosen, method: 'kneedle', result: results.find((r) => r.k === chosen)! };
}

/**
 * PCA by subspace iteration: the top `components` directions, sorted by variance, signs fixed
 * so results repeat exactly. It iterates on the covariance matrix (D x D), or, with fewer
 * points than dimensions (300 photos x 2,048 features), on the N x N Gram matrix, which has
 * the same non-zero spectrum and is far smaller. Enough for t-SNE's pre-reduction
 * (512 or 2,048 -> 50) and its PCA initialisation.
 */
import { Matrix } from './kmeans.ts';
import { createRandom } from '../core/random.ts';

export interface PcaResult {
  /** N x components projections (scores). */
  projected: Matrix;
  variances: number[];
}

/** Top-k eigenvectors (m x k, column-major by component) and eigenvalues of a symmetric matrix. */
function topEigen(s: Float64Array, m: number, k: number, iterations: number): { vectors: Float64Array; values: number[] } {
  const random = createRandom('pca');
  let v = Float64Array.from({ length: m * k }, () => random() - 0.5);
  const orthonormalise = (a: Float64Array) => {
    for (let c = 0; c < k; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let r = 0; r < m; r++) dot += a[r * k + c]! * a[r * k + p]!;
        for (let r = 0; r < m; r++) a[r * k + c] -= dot * a[r * k + p]!;
      }
      let norm = 0;
      for (let r = 0; r < m; r++) norm += a[r * k + c]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let r = 0; r < m; r++) a[r * k + c] /= norm;
    }
  };
  const multiply = (a: Float64Array) => {
    const out = new Float64Array(m * k);
    for (let r = 0; r < m; r++) {
      for (let q = 0; q < m; q++) {
        const value = s[r * m + q]!;
        if (value === 0) continue;
        for (let c = 0; c < k; c++) out[r * k + c] += value * a[q * k + c]!;
      }
    }
    return out;
  };
  orthonormalise(v);
  for (let it = 0; it < iterations; it++) {
    v = multiply(v);
    orthonormalise(v);
  }
  const sv = multiply(v);
  const values = Array.from({ length: k }, (_, c) => {
    let q = 0;
    for (let r = 0; r < m; r++) q += v[r * k + c]! * sv[r * k + c]!;
    return q;
  });
  return { vectors: v, values };
}

export function pca(x: Matrix, components: number, iterations = 60): PcaResult {
  const { rows: n, cols: d } = x;
  const k = Math.min(components, d, n);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j]! / n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = x.data[i * d + j]! - mean[j]!;
  const byGram = n < d;
  const m = byGram ? n : d;
  const s = new Float64Array(m * m);
  if (byGram) {
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += centred[a * d + j]! * centred[b * d + j]!;
        s[a * n + b] = s[b * n + a] = dot;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let a = 0; a < d; a++) {
        const va = centred[o + a]!;
        if (va === 0) continue;
        for (let b = a; b < d; b++) s[a * d + b] += va * centred[o + b]!;
      }
    }
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) s[b * d + a] = s[a * d + b] = s[a * d + b]! / Math.max(1, n - 1);
  }
  const { vectors, values } = topEigen(s, m, k, iterations);
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const projected = new Float64Array(n * k);
  const variances: number[] = [];
  order.forEach((col, out) => {
    const scores = new Float64Array(n);
    if (byGram) {
      // G u = lambda u: the scores are u * sqrt(lambda); the variance is lambda / (n - 1).
      const scale = Math.sqrt(Math.max(0, values[col]!));
      for (let i = 0; i < n; i++) scores[i] = vectors[i * k + col]! * scale;
      variances.push(values[col]! / Math.max(1, n - 1));
    } else {
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let r = 0; r < d; r++) dot += centred[i * d + r]! * vectors[r * k + col]!;
        scores[i] = dot;
      }
      variances.push(values[col]!);
    }
    // Sign convention: the largest-magnitude score is positive.
    let big = 0;
    for (const v of scores) if (Math.abs(v) > Math.abs(big)) big = v;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) projected[i * k + out] = sign * scores[i]!;
  });
  return { projected: new Matrix(projected, n, k), variances };
}

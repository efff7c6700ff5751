/**
 * PCA by subspace iteration on the covariance matrix: the top `components` directions, sorted
 * by variance, signs fixed (largest loading positive) so results repeat exactly. Enough for
 * t-SNE's pre-reduction (512 or 2048 -> 50) and its PCA initialisation.
 */
import { Matrix } from './kmeans.ts';
import { createRandom } from '../core/random.ts';

export interface PcaResult {
  /** N x components projections. */
  projected: Matrix;
  variances: number[];
}

export function pca(x: Matrix, components: number, iterations = 60): PcaResult {
  const { rows: n, cols: d } = x;
  const k = Math.min(components, d, n);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j]! / n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = x.data[i * d + j]! - mean[j]!;
  // Covariance (d x d), upper triangle then mirrored.
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const va = centred[o + a]!;
      if (va === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b] += va * centred[o + b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = a; b < d; b++) cov[b * d + a] = cov[a * d + b] = cov[a * d + b]! / Math.max(1, n - 1);
  // Subspace iteration: V <- orth(C V).
  const random = createRandom('pca');
  let v = Float64Array.from({ length: d * k }, () => random() - 0.5);
  const orthonormalise = (m: Float64Array) => {
    for (let c = 0; c < k; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let r = 0; r < d; r++) dot += m[r * k + c]! * m[r * k + p]!;
        for (let r = 0; r < d; r++) m[r * k + c] -= dot * m[r * k + p]!;
      }
      let norm = 0;
      for (let r = 0; r < d; r++) norm += m[r * k + c]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let r = 0; r < d; r++) m[r * k + c] /= norm;
    }
  };
  orthonormalise(v);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(d * k);
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const c = cov[a * d + b]!;
        if (c === 0) continue;
        for (let col = 0; col < k; col++) next[a * k + col] += c * v[b * k + col]!;
      }
    }
    orthonormalise(next);
    v = next;
  }
  // Rayleigh quotients give the variances; sort components by them.
  const variances: number[] = [];
  for (let col = 0; col < k; col++) {
    let q = 0;
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += cov[a * d + b]! * v[b * k + col]!;
      q += v[a * k + col]! * s;
    }
    variances.push(q);
  }
  const order = variances.map((_, i) => i).sort((a, b) => variances[b]! - variances[a]!);
  const projected = new Float64Array(n * k);
  order.forEach((col, out) => {
    // Sign convention: the largest-magnitude loading is positive.
    let big = 0;
    for (let r = 0; r < d; r++) if (Math.abs(v[r * k + col]!) > Math.abs(big)) big = v[r * k + col]!;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += centred[i * d + r]! * v[r * k + col]!;
      projected[i * k + out] = sign * s;
    }
  });
  return { projected: new Matrix(projected, n, k), variances: order.map((i) => variances[i]!) };
}

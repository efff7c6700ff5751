/**
 * PCA as scikit-learn's `PCA(svd_solver="full")` computes it, by an exact symmetric
 * eigendecomposition (symmetric-eigen.ts) of the smaller of two matrices with the same non-zero
 * spectrum: the D x D covariance of the centred data, or, with fewer points than dimensions
 * (300 photos x 2,048 features), the N x N Gram matrix (scatter.ts computes either in
 * onnxruntime). Scores and explained variances equal
 * scikit-learn's `fit_transform` and `explained_variance_`; signs follow its `svd_flip` (the
 * largest-magnitude score of each component is positive). Centred data has rank at most
 * N - 1, so at most N - 1 components are returned; `dropped` says how many asked for were not.
 */
import { Matrix } from './distances.ts';
import { symmetricEigen } from './symmetric-eigen.ts';
import { productInJs, productInOnnx } from './scatter.ts';

export interface PcaResult {
  /** N x components projections (scores). */
  projected: Matrix;
  /** Variance along each component (scikit-learn's explained_variance_), largest first. */
  variances: number[];
  /** Total variance of the data (the sum over all components). */
  total_variance: number;
  /** Components asked for beyond what the data has (rank <= min(N - 1, D)). */
  dropped: number;
}

function centre(x: Matrix): Float64Array {
  const { rows: n, cols: d } = x;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const centred = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred[i * d + j] = x.data[i * d + j]! - mean[j]!;
  return centred;
}

export async function pca(x: Matrix, components: number): Promise<PcaResult> {
  const { rows: n, cols: d } = x;
  const rank = Math.max(0, Math.min(n - 1, d));
  const k = Math.min(components, rank);
  const c = centre(x);
  const byGram = n < d;
  const m = byGram ? n : d;
  // Both matrices are (n - 1) times a covariance: eigenvalue / (n - 1) is the variance.
  const product = (await productInOnnx(c, n, d, byGram)) ?? productInJs(c, n, d, byGram);
  const { values, vectors } = symmetricEigen(product, m);
  const dof = Math.max(1, n - 1);
  let total = 0;
  for (let i = 0; i < m; i++) total += Math.max(0, values[i]!);
  const projected = new Float64Array(n * k);
  const variances: number[] = [];
  const scores = new Float64Array(n);
  for (let comp = 0; comp < k; comp++) {
    const lambda = Math.max(0, values[comp]!);
    const u = vectors.subarray(comp * m, comp * m + m);
    if (byGram) {
      // G u = lambda u: the scores are u * sqrt(lambda).
      const scale = Math.sqrt(lambda);
      for (let i = 0; i < n; i++) scores[i] = u[i]! * scale;
    } else {
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let r = 0; r < d; r++) dot += c[i * d + r]! * u[r]!;
        scores[i] = dot;
      }
    }
    variances.push(lambda / dof);
    let big = 0;
    for (const v of scores) if (Math.abs(v) > Math.abs(big)) big = v;
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) projected[i * k + comp] = sign * scores[i]!;
  }
  return { projected: new Matrix(projected, n, k), variances, total_variance: total / dof, dropped: Math.max(0, Math.min(components, d) - k) };
}

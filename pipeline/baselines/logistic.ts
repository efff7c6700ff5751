/**
 * L2-regularised logistic regression as scikit-learn's LogisticRegression (C = 1) minimises
 * it: C * sum(log-loss) + ||w||^2 / 2, intercept not penalised. Solved by Newton's method
 * (the Hessian is D x D; D is a few hundred here), on features standardised as scikit-learn's
 * StandardScaler does: the training rows' mean and (population) standard deviation, with a
 * scale of 1 for a feature that is constant up to rounding (its `_is_constant_feature` rule),
 * so a one-hot column that never varies in training cannot blow up an unseen value.
 */
export interface LogisticModel {
  weights: Float64Array;
  intercept: number;
  mean: Float64Array;
  scale: Float64Array;
}

/** Solves A x = b for symmetric positive definite A (Cholesky), in place of a copy. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Column means and scales as scikit-learn's StandardScaler (with_mean, with_std) fits them. */
export function standardScaler(rows: ArrayLike<number>[], d: number): { mean: Float64Array; scale: Float64Array } {
  const n = rows.length;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  for (let j = 0; j < d; j++) {
    let v = 0;
    for (const r of rows) v += (r[j]! - mean[j]!) ** 2;
    v /= n;
    // Constant up to rounding: var <= n eps var + (n mean eps)^2 (sklearn.preprocessing).
    const eps = Number.EPSILON;
    const constant = v <= n * eps * v + (n * mean[j]! * eps) ** 2;
    const sd = Math.sqrt(v);
    scale[j] = constant || sd < 10 * eps ? 1 : sd;
  }
  return { mean, scale };
}

export function fitLogistic(rows: ArrayLike<number>[], labels: number[], options: { C?: number; iterations?: number } = {}): LogisticModel {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const C = options.C ?? 1;
  const { mean, scale } = standardScaler(rows, d);
  // Design matrix with a leading 1 for the intercept.
  const m = d + 1;
  const x = new Float64Array(n * m);
  rows.forEach((r, i) => {
    x[i * m] = 1;
    for (let j = 0; j < d; j++) x[i * m + j + 1] = (r[j]! - mean[j]!) / scale[j]!;
  });
  const w = new Float64Array(m);
  for (let it = 0; it < (options.iterations ?? 50); it++) {
    const grad = new Float64Array(m);
    const hess = new Float64Array(m * m);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < m; j++) z += x[i * m + j]! * w[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const g = C * (p - labels[i]!);
      const h = C * p * (1 - p);
      for (let a = 0; a < m; a++) {
        const xa = x[i * m + a]!;
        if (xa === 0) continue;
        grad[a] += g * xa;
        const hx = h * xa;
        for (let b = a; b < m; b++) hess[a * m + b] += hx * x[i * m + b]!;
      }
    }
    for (let a = 0; a < m; a++) {
      for (let b = 0; b < a; b++) hess[a * m + b] = hess[b * m + a]!;
      if (a > 0) {
        grad[a] += w[a]!;
        hess[a * m + a] += 1;
      } else {
        hess[0] += 1e-9;
      }
    }
    const step = solve(hess, grad, m);
    let change = 0;
    for (let j = 0; j < m; j++) {
      w[j] -= step[j]!;
      change = Math.max(change, Math.abs(step[j]!));
    }
    if (change < 1e-8) break;
  }
  return { weights: w.subarray(1), intercept: w[0]!, mean, scale };
}

export function predictProbability(model: LogisticModel, row: ArrayLike<number>): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * ((row[j]! - model.mean[j]!) / model.scale[j]!);
  return 1 / (1 + Math.exp(-z));
}

/**
 * Every eigenvalue and eigenvector of a real symmetric matrix: Householder reduction to
 * tridiagonal form (row-oriented), then the implicit QL algorithm with shifts (EISPACK's tql2). Exact to rounding, O(m^3), no
 * iteration count to tune; PCA uses it on the smaller of the covariance and Gram matrices.
 */

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as rows (m x m, row i belongs to values[i]), unit length. */
  vectors: Float64Array;
}

/** `a` is m x m, row-major, symmetric (only its values are read; it is not modified). */
export function symmetricEigen(a: Float64Array, m: number): SymmetricEigen {
  const d = new Float64Array(m);
  const e = new Float64Array(m);
  // The QL sweeps rotate pairs of eigenvectors; as rows they are contiguous in memory.
  const w = tridiagonalise(a, d, e, m);
  diagonalise(w, d, e, m);
  const order = Array.from(d.keys()).sort((i, j) => d[j]! - d[i]! || i - j);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((from, to) => {
    values[to] = d[from]!;
    vectors.set(w.subarray(from * m, from * m + m), to * m);
  });
  return { values, vectors };
}

/**
 * Householder reduction A = Q T Q^T, written so every inner loop walks a row (the textbook
 * tred2 walks columns, and spends most of its time in cache misses at m = 2,048). Fills the
 * diagonal d and the subdiagonal e (e[i] = T[i][i - 1]) and returns Q^T (rows: basis vectors).
 */
function tridiagonalise(input: Float64Array, d: Float64Array, e: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(input);
  const betas = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const row = k * n;
    // x = A[k, k+1..]: the column below the diagonal, read as its (symmetric) row.
    let sigma = 0;
    for (let j = k + 1; j < n; j++) sigma += a[row + j]! * a[row + j]!;
    sigma = Math.sqrt(sigma);
    d[k] = a[row + k]!;
    if (sigma === 0) {
      e[k + 1] = 0;
      betas[k] = 0;
      continue;
    }
    const x0 = a[row + k + 1]!;
    const alpha = x0 >= 0 ? -sigma : sigma;
    e[k + 1] = alpha;
    // v = x - alpha e1, kept in A's row k; beta = 2 / v.v.
    a[row + k + 1] = x0 - alpha;
    let vv = 0;
    for (let j = k + 1; j < n; j++) vv += a[row + j]! * a[row + j]!;
    const beta = 2 / vv;
    betas[k] = beta;
    // p = beta A22 v, K = beta / 2 p.v, w = p - K v; A22 -= v w^T + w v^T.
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      let sum = 0;
      for (let j = k + 1; j < n; j++) sum += a[ri + j]! * a[row + j]!;
      p[i] = beta * sum;
      pv += p[i]! * a[row + i]!;
    }
    const kk = (beta / 2) * pv;
    for (let i = k + 1; i < n; i++) p[i] = p[i]! - kk * a[row + i]!;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const vi = a[row + i]!;
      const wi = p[i]!;
      for (let j = k + 1; j < n; j++) a[ri + j] = a[ri + j]! - vi * p[j]! - wi * a[row + j]!;
    }
  }
  if (n >= 2) {
    d[n - 2] = a[(n - 2) * n + n - 2]!;
    e[n - 1] = a[(n - 1) * n + n - 2]!;
  }
  d[n - 1] = a[(n - 1) * n + n - 1]!;
  e[0] = 0;
  // Q = H_0 H_1 ... H_{n-3}, accumulated from the last reflector (each touches a shrinking block).
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const u = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const beta = betas[k]!;
    if (beta === 0) continue;
    const row = k * n;
    u.fill(0, k + 1);
    for (let r = k + 1; r < n; r++) {
      const vr = a[row + r]!;
      if (vr === 0) continue;
      const qr = r * n;
      for (let c = k + 1; c < n; c++) u[c] += vr * q[qr + c]!;
    }
    for (let r = k + 1; r < n; r++) {
      const f = beta * a[row + r]!;
      if (f === 0) continue;
      const qr = r * n;
      for (let c = k + 1; c < n; c++) q[qr + c] = q[qr + c]! - f * u[c]!;
    }
  }
  // Q^T: the QL sweeps then rotate its rows.
  return transpose(q, n);
}

function transpose(x: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[j * m + i] = x[i * m + j]!;
  return out;
}

/** Implicit QL (tql2) on the tridiagonal d/e; `w` holds the eigenvectors as rows. */
function diagonalise(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      for (let iteration = 0; ; iteration++) {
        if (iteration > 60) throw new Error('symmetric eigendecomposition did not converge');
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          const ri = i * n;
          const rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const hk = w[rj + k]!;
            w[rj + k] = s * w[ri + k]! + c * hk;
            w[ri + k] = c * w[ri + k]! - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (Math.abs(e[l]!) <= eps * tst1) break;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}

/**
 * t-SNE's affinities: per-point Gaussian bandwidths found by binary search on the perplexity,
 * symmetrised into a sparse P, and the attraction each point feels from its neighbours.
 */
/** Conditional P(j|i) over each point's neighbours, bandwidth by binary search on entropy. */
export function conditionalP(distances: Float64Array, n: number, k: number, perplexity: number): Float64Array {
  const p = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    const row = distances.subarray(i * k, (i + 1) * k);
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < k; j++) {
        const v = Math.exp(-row[j]! * beta);
        p[i * k + j] = v;
        sum += v;
        weighted += row[j]! * v;
      }
      if (sum === 0) sum = 1e-8;
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      for (let j = 0; j < k; j++) p[i * k + j] /= sum;
      const diff = entropy - target;
      if (Math.abs(diff) < 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return p;
}

export interface Sparse {
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/** Attraction sum_j p_ij q_ij (y_i - y_j), scaled by the exaggeration, of points order[from..to) into attr. */
export function attractRange(P: Sparse, y: Float64Array, order: Int32Array, from: number, to: number, exaggeration: number, attr: Float64Array): void {
  const { rowStart, columns, values } = P;
  for (let o = from; o < to; o++) {
    const i = order[o]!;
    let ax = 0;
    let ay = 0;
    const yx = y[2 * i]!;
    const yy = y[2 * i + 1]!;
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) {
      const j = columns[e]!;
      const dx = yx - y[2 * j]!;
      const dy = yy - y[2 * j + 1]!;
      const pq = (values[e]! * exaggeration) / (1 + dx * dx + dy * dy);
      ax += pq * dx;
      ay += pq * dy;
    }
    attr[2 * i] = ax;
    attr[2 * i + 1] = ay;
  }
}

/** P = (P(j|i) + P(i|j)) / (2N), as a sparse symmetric matrix. */
export function symmetrise(p: Float64Array, indices: Int32Array, n: number, k: number): Sparse {
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const c = indices[i * k + j]!;
      const v = p[i * k + j]!;
      rows[i]!.set(c, (rows[i]!.get(c) ?? 0) + v);
      rows[c]!.set(i, (rows[c]!.get(i) ?? 0) + v);
    }
  }
  let total = 0;
  for (const row of rows) for (const v of row.values()) total += v;
  const rowStart = new Int32Array(n + 1);
  rows.forEach((row, i) => (rowStart[i + 1] = rowStart[i]! + row.size));
  const columns = new Int32Array(rowStart[n]!);
  const values = new Float64Array(rowStart[n]!);
  rows.forEach((row, i) => {
    let at = rowStart[i]!;
    for (const [c, v] of [...row].sort((a, b) => a[0] - b[0])) {
      columns[at] = c;
      values[at++] = Math.max(v / total, Number.MIN_VALUE);
    }
  });
  return { rowStart, columns, values };
}

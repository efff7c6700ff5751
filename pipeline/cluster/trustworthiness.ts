/**
 * Trustworthiness (Venna and Kaski), as scikit-learn's sklearn.manifold.trustworthiness:
 * how many of each point's k nearest neighbours in the embedding were also near in the input,
 * penalised by their input rank. Exact, O(N^2): use a subsample for large N.
 */
export function trustworthiness(input: number[][], embedded: number[][], k = 10): number {
  const n = input.length;
  const distances = (rows: number[][], i: number) => rows.map((r, j) => (j === i ? Infinity : r.reduce((s, v, d) => s + (v - rows[i]![d]!) ** 2, 0)));
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const inputOrder = distances(input, i).map((d, j) => [d, j] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const rank = new Int32Array(n);
    inputOrder.forEach(([, j], r) => (rank[j] = r + 1));
    const embeddedOrder = distances(embedded, i).map((d, j) => [d, j] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    for (let m = 0; m < k; m++) penalty += Math.max(0, rank[embeddedOrder[m]![1]]! - k);
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

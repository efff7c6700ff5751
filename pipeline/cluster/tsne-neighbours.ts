/**
 * t-SNE's exact k nearest neighbours (squared Euclidean): by brute force with onnxruntime matrix
 * products, or, without onnxruntime, from a vantage-point tree. Both give the same neighbours.
 */
import { Matrix } from './distances.ts';
import { createRandom } from '../core/random.ts';
interface VpNode {
  index: number;
  threshold: number;
  inside: VpNode | null;
  outside: VpNode | null;
}

function squaredDistance(x: Matrix, a: number, b: number): number {
  const d = x.cols;
  let s = 0;
  for (let j = 0, oa = a * d, ob = b * d; j < d; j++) {
    const diff = x.data[oa + j]! - x.data[ob + j]!;
    s += diff * diff;
  }
  return s;
}

function buildVpTree(x: Matrix, items: number[]): VpNode | null {
  if (items.length === 0) return null;
  // The first item is the vantage point (items arrive in a seeded, shuffled order).
  const [vantage, ...rest] = items;
  if (rest.length === 0) return { index: vantage!, threshold: 0, inside: null, outside: null };
  const distances = rest.map((i) => Math.sqrt(squaredDistance(x, vantage!, i)));
  const order = rest.map((_, i) => i).sort((a, b) => distances[a]! - distances[b]!);
  const middle = Math.floor(order.length / 2);
  return {
    index: vantage!,
    threshold: distances[order[middle]!]!,
    inside: buildVpTree(x, order.slice(0, middle).map((i) => rest[i]!)),
    outside: buildVpTree(x, order.slice(middle).map((i) => rest[i]!)),
  };
}

export function vpTreeNeighbours(x: Matrix, k: number, seed: number): { indices: Int32Array; distances: Float64Array } {
  const n = x.rows;
  // A seeded shuffle decides the vantage points (a sorted order would build a skewed tree).
  const random = createRandom(`${seed}:vp-tree`);
  const items = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  const root = buildVpTree(x, items);
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  for (let q = 0; q < n; q++) {
    // A max-heap of the k best (distance, index) seen so far.
    const heapD: number[] = [];
    const heapI: number[] = [];
    let tau = Infinity;
    const push = (dist: number, index: number) => {
      if (heapD.length === k && dist >= heapD[0]!) return;
      if (heapD.length === k) {
        heapD[0] = dist;
        heapI[0] = index;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < k && heapD[l]! > heapD[m]!) m = l;
          if (r < k && heapD[r]! > heapD[m]!) m = r;
          if (m === i) break;
          [heapD[i], heapD[m]] = [heapD[m]!, heapD[i]!];
          [heapI[i], heapI[m]] = [heapI[m]!, heapI[i]!];
          i = m;
        }
      } else {
        heapD.push(dist);
        heapI.push(index);
        let i = heapD.length - 1;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (heapD[p]! >= heapD[i]!) break;
          [heapD[i], heapD[p]] = [heapD[p]!, heapD[i]!];
          [heapI[i], heapI[p]] = [heapI[p]!, heapI[i]!];
          i = p;
        }
      }
      if (heapD.length === k) tau = heapD[0]!;
    };
    const search = (node: VpNode | null) => {
      if (!node) return;
      const dist = Math.sqrt(squaredDistance(x, q, node.index));
      if (node.index !== q) push(dist, node.index);
      if (!node.inside && !node.outside) return;
      if (dist < node.threshold) {
        if (dist - tau <= node.threshold) search(node.inside);
        if (dist + tau >= node.threshold) search(node.outside);
      } else {
        if (dist + tau >= node.threshold) search(node.outside);
        if (dist - tau <= node.threshold) search(node.inside);
      }
    };
    search(root);
    const order = heapD.map((_, i) => i).sort((a, b) => heapD[a]! - heapD[b]! || heapI[a]! - heapI[b]!);
    order.forEach((h, j) => {
      indices[q * k + j] = heapI[h]!;
      distances[q * k + j] = heapD[h]! ** 2;
    });
  }
  return { indices, distances };
}

/**
 * Exact k nearest neighbours by brute force, the distances as matrix products in onnxruntime
 * (blocks of queries against every point, float32, as scikit-learn's brute kNN uses BLAS);
 * the k chosen are then measured again in float64. Undefined when onnxruntime is unavailable.
 */
export async function bruteNeighbours(x: Matrix, k: number): Promise<{ indices: Int32Array; distances: Float64Array } | undefined> {
  const { createSession, loadOnnxRuntime } = await import('../core/onnx-runtime.ts');
  try {
    await loadOnnxRuntime();
  } catch {
    return undefined;
  }
  const { distanceGraph } = await import('./distance-graph.ts');
  const { ort, session } = await createSession(distanceGraph());
  const { rows: n, cols: d } = x;
  const points = Float32Array.from(x.data);
  const norms = Float32Array.from(x.squaredNorms());
  const all = new ort.Tensor('float32', points, [n, d]);
  const cn = new ort.Tensor('float32', norms, [n]);
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  // Blocks of about 16M distances (64 MB of float32).
  const block = Math.max(1, Math.min(n, Math.floor((1 << 24) / n)));
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  try {
    for (let start = 0; start < n; start += block) {
      const size = Math.min(block, n - start);
      const queries = new ort.Tensor('float32', points.subarray(start * d, (start + size) * d), [size, d]);
      const partial = (await session.run({ x: queries, c: all, cn })).partial!.data as Float32Array;
      for (let b = 0; b < size; b++) {
        const q = start + b;
        const row = partial.subarray(b * n, (b + 1) * n);
        // A max-heap of the k smallest partial distances.
        let filled = 0;
        for (let j = 0; j < n; j++) {
          if (j === q) continue;
          const v = row[j]!;
          if (filled < k) {
            let i = filled++;
            while (i > 0) {
              const p = (i - 1) >> 1;
              if (heapD[p]! >= v) break;
              heapD[i] = heapD[p]!;
              heapI[i] = heapI[p]!;
              i = p;
            }
            heapD[i] = v;
            heapI[i] = j;
          } else if (v < heapD[0]!) {
            let i = 0;
            for (;;) {
              const l = 2 * i + 1;
              if (l >= k) break;
              const m = l + 1 < k && heapD[l + 1]! > heapD[l]! ? l + 1 : l;
              if (heapD[m]! <= v) break;
              heapD[i] = heapD[m]!;
              heapI[i] = heapI[m]!;
              i = m;
            }
            heapD[i] = v;
            heapI[i] = j;
          }
        }
        const chosen = Array.from(heapI.subarray(0, k), (j) => ({ j, dist: squaredDistance(x, q, j) }));
        chosen.sort((a, b) => a.dist - b.dist || a.j - b.j);
        chosen.forEach(({ j, dist }, r) => {
          indices[q * k + r] = j;
          distances[q * k + r] = dist;
        });
      }
    }
  } finally {
    await session.release();
  }
  return { indices, distances };
}


export async function nearestNeighbours(x: Matrix, k: number, seed: number): Promise<{ indices: Int32Array; distances: Float64Array }> {
  return (await bruteNeighbours(x, k)) ?? vpTreeNeighbours(x, k, seed);
}

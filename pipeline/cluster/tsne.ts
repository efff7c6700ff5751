/**
 * Barnes-Hut t-SNE (van der Maaten, 2014), following scikit-learn's defaults:
 *  - PCA to 50 dimensions first when the input is wider (pca.ts);
 *  - exact nearest neighbours (k = int(3 * perplexity + 1)) by brute force in onnxruntime (a
 *    vantage-point tree without it), and per-point
 *    Gaussian bandwidths found by binary search to match the perplexity; P symmetrised, sparse;
 *  - initialisation by PCA, scaled to a standard deviation of 1e-4;
 *  - 1,000 iterations, early exaggeration 12 for the first 250 with momentum 0.5, then 0.8;
 *    learning rate max(N / 12 / 4, 50); per-coordinate gains (+0.2 / x0.8, at least 0.01),
 *    both phases starting from zero momentum and unit gains as scikit-learn's two descents do;
 *  - repulsion over a quadtree: a cell whose size / distance < theta acts as one point.
 */
import { Matrix } from './kmeans.ts';
import { pca } from './pca.ts';
import { availableParallelism } from 'node:os';
import { StudyError } from '../core/errors.ts';
import { startTsWorker } from '../core/ts-worker.ts';
import type { RepulsionTask } from './tsne-worker.ts';

export interface TsneOptions {
  perplexity?: number;
  /** Reduce to this many dimensions by PCA first when wider; 0 turns it off. */
  pcaDimensions?: number;
  iterations?: number;
  theta?: number;
  seed?: number;
  /** Threads for the repulsion (default: every core); results do not depend on it. */
  threads?: number;
  onIteration?: (iteration: number, total: number) => void;
}

// ---- nearest neighbours: a vantage-point tree over squared Euclidean distance ----

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
  let state = (seed * 2654435761 + 1) >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296);
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
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) norms[i] = squaredDistanceTo0(x, i);
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

function squaredDistanceTo0(x: Matrix, i: number): number {
  let s = 0;
  for (let j = 0, o = i * x.cols; j < x.cols; j++) s += x.data[o + j]! ** 2;
  return s;
}

async function nearestNeighbours(x: Matrix, k: number, seed: number): Promise<{ indices: Int32Array; distances: Float64Array }> {
  return (await bruteNeighbours(x, k)) ?? vpTreeNeighbours(x, k, seed);
}

// ---- affinities ----

/** Conditional P(j|i) over each point's neighbours, bandwidth by binary search on entropy. */
function conditionalP(distances: Float64Array, n: number, k: number, perplexity: number): Float64Array {
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
function symmetrise(p: Float64Array, indices: Int32Array, n: number, k: number): Sparse {
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

// ---- Barnes-Hut repulsion over a quadtree ----

export interface TreeArrays {
  mx: Float64Array;
  my: Float64Array;
  count: Int32Array;
  half: Float64Array;
  child: Int32Array;
  point: Int32Array;
}

/**
 * Unnormalised repulsion of points order[from..to) into rep[2i..2i+1] and each point's share of Z
 * into zs[i] (summed in index order by the caller, so the result does not depend on how the
 * points were split between threads).
 */
export function repulseRange(t: TreeArrays, y: Float64Array, order: Int32Array, from: number, to: number, theta2: number, rep: Float64Array, zs: Float64Array): void {
  const { mx, my, count, half, child, point } = t;
  const stack = new Int32Array(4 * 64);
  for (let o = from; o < to; o++) {
    const i = order[o]!;
    const px = y[2 * i]!;
    const py = y[2 * i + 1]!;
    let z = 0;
    let fx = 0;
    let fy = 0;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      const c = count[node]!;
      if (c === 0) continue;
      const dx = px - mx[node]!;
      const dy = py - my[node]!;
      const d2 = dx * dx + dy * dy;
      const first = child[node]!;
      const width = 2 * half[node]!;
      if (first === -1 || width * width < theta2 * d2) {
        // Point i's own leaf (it holds i and any duplicates of i): i does not repel itself.
        const p = point[node]!;
        const own = first === -1 && (p === i || (y[2 * p] === px && y[2 * p + 1] === py));
        const m = own ? c - 1 : c;
        if (m <= 0) continue;
        const q = 1 / (1 + d2);
        z += m * q;
        const mq2 = m * q * q;
        fx += mq2 * dx;
        fy += mq2 * dy;
      } else {
        // Depth-first: at most 3 siblings wait per level (depth <= 51) plus the current 4.
        stack[top++] = first;
        stack[top++] = first + 1;
        stack[top++] = first + 2;
        stack[top++] = first + 3;
      }
    }
    rep[2 * i] = fx;
    rep[2 * i + 1] = fy;
    zs[i] = z;
  }
}

class QuadTree {
  // Per node: centre of mass (x, y), count, cell centre (cx, cy), half width, first child (-1: leaf), point (-1: none).
  private mx: Float64Array;
  private my: Float64Array;
  private count: Int32Array;
  private cx: Float64Array;
  private cy: Float64Array;
  private half: Float64Array;
  private child: Int32Array;
  private point: Int32Array;
  private size = 0;

  constructor(private readonly y: Float64Array, private readonly n: number, private readonly shared = false) {
    const capacity = 4 * n + 16;
    this.mx = this.f64(capacity);
    this.my = this.f64(capacity);
    this.count = this.i32(capacity);
    this.cx = this.f64(capacity);
    this.cy = this.f64(capacity);
    this.half = this.f64(capacity);
    this.child = this.i32(capacity);
    this.point = this.i32(capacity);
  }

  /**
   * The tree of the current positions, in the arrays of the previous build (grown when
   * needed): a fresh tree per iteration left about 13 MB of shared buffers per iteration at
   * 62,500 points for the garbage collector, and the process grew to 5 GB.
   */
  build(): TreeArrays {
    this.size = 0;
    const [minX, minY, maxX, maxY] = bounds(this.y, this.n);
    this.node((minX + maxX) / 2, (minY + maxY) / 2, Math.max(maxX - minX, maxY - minY) / 2 + 1e-5);
    for (let i = 0; i < this.n; i++) this.insert(0, i, 0);
    return this.arrays();
  }

  private node(cx: number, cy: number, half: number): number {
    const id = this.size++;
    if (id >= this.count.length) this.grow();
    this.cx[id] = cx;
    this.cy[id] = cy;
    this.half[id] = half;
    this.child[id] = -1;
    this.point[id] = -1;
    this.count[id] = 0;
    this.mx[id] = 0;
    this.my[id] = 0;
    return id;
  }

  private f64(length: number): Float64Array {
    return new Float64Array(this.shared ? new SharedArrayBuffer(length * 8) : new ArrayBuffer(length * 8));
  }

  private i32(length: number): Int32Array {
    return new Int32Array(this.shared ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
  }

  private grow(): void {
    // Every field of a node is written when the node is made, so the new tail needs no fill.
    const grow64 = (a: Float64Array) => {
      const b = this.f64(a.length * 2);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = this.i32(a.length * 2);
      b.set(a);
      return b;
    };
    this.mx = grow64(this.mx);
    this.my = grow64(this.my);
    this.count = grow32(this.count);
    this.cx = grow64(this.cx);
    this.cy = grow64(this.cy);
    this.half = grow64(this.half);
    this.child = grow32(this.child);
    this.point = grow32(this.point);
  }

  /** Adds `mass` points at point i's position (mass > 1: a leaf's duplicates moving down). */
  private insert(node: number, i: number, depth: number, mass = 1): void {
    const px = this.y[2 * i]!;
    const py = this.y[2 * i + 1]!;
    for (;;) {
      const c = this.count[node]!;
      this.mx[node] = (this.mx[node]! * c + px * mass) / (c + mass);
      this.my[node] = (this.my[node]! * c + py * mass) / (c + mass);
      this.count[node] = c + mass;
      if (this.child[node] === -1) {
        if (c === 0) {
          this.point[node] = i;
          return;
        }
        // A leaf holds one position: duplicates of it stay together (or, past depth 50, any).
        const other = this.point[node]!;
        if (depth > 50 || (this.y[2 * other] === px && this.y[2 * other + 1] === py)) return;
        // Split: all c points at the leaf's position move down together, then this one.
        this.subdivide(node);
        this.point[node] = -1;
        this.insert(this.quadrant(node, this.y[2 * other]!, this.y[2 * other + 1]!), other, depth + 1, c);
      }
      node = this.quadrant(node, px, py);
      depth++;
    }
  }

  private subdivide(node: number): void {
    const h = this.half[node]! / 2;
    const first = this.size;
    for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]] as const) this.node(this.cx[node]! + dx * h, this.cy[node]! + dy * h, h);
    this.child[node] = first;
  }

  private quadrant(node: number, px: number, py: number): number {
    return this.child[node]! + (px >= this.cx[node]! ? 1 : 0) + (py >= this.cy[node]! ? 2 : 0);
  }

  /** What the repulsion traversal reads (shared with worker threads when they help). */
  arrays(): TreeArrays {
    return { mx: this.mx, my: this.my, count: this.count, half: this.half, child: this.child, point: this.point };
  }
}

/** Barnes-Hut repulsion of every point at positions `y` (interleaved x, y) and the sum Z. */
export function barnesHutRepulsion(y: Float64Array, n: number, theta = 0.5): { forces: Float64Array; z: number } {
  const tree = new QuadTree(y, n).build();
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const forces = new Float64Array(2 * n);
  const zs = new Float64Array(n);
  repulseRange(tree, y, order, 0, n, theta * theta, forces, zs);
  return { forces, z: zs.reduce((a, b) => a + b, 0) };
}

/** [minX, minY, maxX, maxY] of n interleaved 2-D points. */
function bounds(y: Float64Array, n: number): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, y[2 * i]!);
    maxX = Math.max(maxX, y[2 * i]!);
    minY = Math.min(minY, y[2 * i + 1]!);
    maxY = Math.max(maxY, y[2 * i + 1]!);
  }
  return [minX, minY, maxX, maxY];
}

/** Writes into `order` the points sorted by the Morton (Z-order) code of their position. */
function mortonOrder(y: Float64Array, n: number, order: Int32Array): void {
  const [minX, minY, maxX, maxY] = bounds(y, n);
  const sx = 65535 / (maxX - minX || 1);
  const sy = 65535 / (maxY - minY || 1);
  const spread = (v: number) => {
    v = (v | (v << 8)) & 0x00ff00ff;
    v = (v | (v << 4)) & 0x0f0f0f0f;
    v = (v | (v << 2)) & 0x33333333;
    return (v | (v << 1)) & 0x55555555;
  };
  // Code (32 bits) and index (21 bits) packed in one float64, exact below 2^53: one numeric sort.
  const INDEX = 2 ** 21;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const code = (spread(Math.floor((y[2 * i]! - minX) * sx)) | (spread(Math.floor((y[2 * i + 1]! - minY) * sy)) << 1)) >>> 0;
    keys[i] = n < INDEX ? code * INDEX + i : code;
  }
  if (n < INDEX) {
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i]! % INDEX;
  } else {
    const sorted = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
    order.set(sorted);
  }
}

/** Below this many points a helper thread costs more than it saves. */
const PARALLEL_MIN_POINTS = 2000;

/** A worker thread computing the repulsion of a range of points, one task at a time. */
class RepulsionHelper {
  private readonly worker = startTsWorker(new URL('./tsne-worker.ts', import.meta.url));
  private failure: Error | undefined;

  constructor() {
    this.worker.on('error', (error) => (this.failure = error));
  }

  run(task: RepulsionTask): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', () => {
        this.worker.off('error', onError);
        resolve();
      });
      this.worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** [N][2] coordinates, in input order. */
export async function tsne(rows: number[][] | Matrix, options: TsneOptions = {}): Promise<number[][]> {
  let x = rows instanceof Matrix ? rows : Matrix.from(rows);
  const n = x.rows;
  const perplexity = options.perplexity ?? 30;
  if (n <= 3 * perplexity) {
    throw new StudyError(`t-SNE needs more than 3 x perplexity points: ${n} points, perplexity ${perplexity} (lower the perplexity below ${(n / 3).toFixed(1)})`);
  }
  const pcaDims = options.pcaDimensions ?? 50;
  if (pcaDims > 0 && x.cols > pcaDims) x = (await pca(x, pcaDims)).projected;
  // scikit-learn: min(n - 1, int(3 * perplexity + 1)) neighbours.
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const { indices, distances } = await nearestNeighbours(x, k, options.seed ?? 0);
  const P = symmetrise(conditionalP(distances, n, k, perplexity), indices, n, k);

  // Initialisation: the first two principal components, scaled to std 1e-4 (scikit-learn's 'pca').
  const init = (await pca(x, 2)).projected;
  const start = new Float64Array(n * 2);
  let sd = 0;
  for (let i = 0; i < n; i++) sd += init.data[i * 2]! ** 2;
  sd = Math.sqrt(sd / n) || 1;
  for (let i = 0; i < n * 2; i++) start[i] = (init.data[i]! / sd) * 1e-4;

  const iterations = options.iterations ?? 1000;
  const exaggerationIterations = Math.min(250, iterations);
  const learningRate = Math.max(n / 12 / 4, 50);
  const theta2 = (options.theta ?? 0.5) ** 2;
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const grad = new Float64Array(n * 2);
  // Worker threads share the repulsion work on large inputs (the quadtree is built here).
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), availableParallelism()));
  const helpers = n >= PARALLEL_MIN_POINTS && threads > 1 ? Array.from({ length: threads - 1 }, () => new RepulsionHelper()) : [];
  const shared = (length: number) => new Float64Array(helpers.length ? new SharedArrayBuffer(length * 8) : new ArrayBuffer(length * 8));
  const y = shared(n * 2);
  y.set(start);
  const repulsion = shared(n * 2);
  const attraction = shared(n * 2);
  const zs = shared(n);
  const order = new Int32Array(helpers.length ? new SharedArrayBuffer(n * 4) : new ArrayBuffer(n * 4));
  const sharedP: Sparse = helpers.length
    ? {
        rowStart: new Int32Array(new SharedArrayBuffer(P.rowStart.byteLength)),
        columns: new Int32Array(new SharedArrayBuffer(P.columns.byteLength)),
        values: new Float64Array(new SharedArrayBuffer(P.values.byteLength)),
      }
    : P;
  if (helpers.length) {
    sharedP.rowStart.set(P.rowStart);
    sharedP.columns.set(P.columns);
    sharedP.values.set(P.values);
  }
  const quadtree = new QuadTree(y, n, helpers.length > 0);
  try {
    for (let iteration = 0; iteration < iterations; iteration++) {
      // scikit-learn runs the two phases as two gradient descents: the second starts afresh.
      if (iteration === exaggerationIterations) {
        update.fill(0);
        gains.fill(1);
      }
      const exaggeration = iteration < exaggerationIterations ? 12 : 1;
      const momentum = iteration < exaggerationIterations ? 0.5 : 0.8;
      const tree = quadtree.build();
      // Neighbouring points walk the same cells: visiting them in spatial (Morton) order keeps
      // the tree in cache. Positions move slowly, so the order is refreshed every 10 iterations.
      if (iteration % 10 === 0) mortonOrder(y, n, order);
      // The helpers take the later ranges; this thread takes the first.
      const chunk = Math.ceil(n / (helpers.length + 1));
      const pending = helpers.map((worker, h) =>
        worker.run({ tree, y, order, from: Math.min(n, (h + 1) * chunk), to: Math.min(n, (h + 2) * chunk), theta2, rep: repulsion, zs, P: sharedP, exaggeration, attr: attraction }),
      );
      repulseRange(tree, y, order, 0, Math.min(n, chunk), theta2, repulsion, zs);
      attractRange(sharedP, y, order, 0, Math.min(n, chunk), exaggeration, attraction);
      await Promise.all(pending);
      let z = 0;
      for (let i = 0; i < n; i++) z += zs[i]!;
      for (let i = 0; i < n * 2; i++) grad[i] = 4 * (attraction[i]! - repulsion[i]! / z);
      for (let i = 0; i < n * 2; i++) {
        // scikit-learn's rule: a gain grows where the step turned against the gradient.
        gains[i] = Math.max(0.01, update[i]! * grad[i]! < 0 ? gains[i]! + 0.2 : gains[i]! * 0.8);
        update[i] = momentum * update[i]! - learningRate * gains[i]! * grad[i]!;
        y[i] += update[i]!;
      }
      options.onIteration?.(iteration + 1, iterations);
    }
  } finally {
    await Promise.all(helpers.map((h) => h.close()));
  }
  return Array.from({ length: n }, (_, i) => [y[2 * i]!, y[2 * i + 1]!]);
}

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

/**
 * Barnes-Hut t-SNE (van der Maaten, 2014), following scikit-learn's defaults:
 *  - PCA to 50 dimensions first when the input is wider (pca.ts);
 *  - exact nearest neighbours (k = 3 * perplexity) from a vantage-point tree, and per-point
 *    Gaussian bandwidths found by binary search to match the perplexity; P symmetrised, sparse;
 *  - initialisation by PCA, scaled to a standard deviation of 1e-4;
 *  - 1,000 iterations, early exaggeration 12 for the first 250 with momentum 0.5, then 0.8;
 *    learning rate max(N / 12 / 4, 50); per-coordinate gains (+0.2 / x0.8, at least 0.01);
 *  - repulsion over a quadtree: a cell whose size / distance < theta acts as one point.
 */
import { Matrix } from './kmeans.ts';
import { pca } from './pca.ts';
import { StudyError } from '../core/errors.ts';

export interface TsneOptions {
  perplexity?: number;
  /** Reduce to this many dimensions by PCA first when wider; 0 turns it off. */
  pcaDimensions?: number;
  iterations?: number;
  theta?: number;
  seed?: number;
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

function nearestNeighbours(x: Matrix, k: number, seed: number): { indices: Int32Array; distances: Float64Array } {
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

interface Sparse {
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
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

  constructor(private readonly y: Float64Array, private readonly n: number) {
    const capacity = 8 * n + 16;
    this.mx = new Float64Array(capacity);
    this.my = new Float64Array(capacity);
    this.count = new Int32Array(capacity);
    this.cx = new Float64Array(capacity);
    this.cy = new Float64Array(capacity);
    this.half = new Float64Array(capacity);
    this.child = new Int32Array(capacity).fill(-1);
    this.point = new Int32Array(capacity).fill(-1);
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, y[2 * i]!);
      maxX = Math.max(maxX, y[2 * i]!);
      minY = Math.min(minY, y[2 * i + 1]!);
      maxY = Math.max(maxY, y[2 * i + 1]!);
    }
    this.node((minX + maxX) / 2, (minY + maxY) / 2, Math.max(maxX - minX, maxY - minY) / 2 + 1e-5);
    for (let i = 0; i < n; i++) this.insert(0, i, 0);
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

  private grow(): void {
    const grow = <T extends Float64Array | Int32Array>(a: T, fill = 0): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      if (fill) b.fill(fill as never, a.length);
      return b;
    };
    this.mx = grow(this.mx);
    this.my = grow(this.my);
    this.count = grow(this.count);
    this.cx = grow(this.cx);
    this.cy = grow(this.cy);
    this.half = grow(this.half);
    this.child = grow(this.child, -1);
    this.point = grow(this.point, -1);
  }

  private insert(node: number, i: number, depth: number): void {
    const px = this.y[2 * i]!;
    const py = this.y[2 * i + 1]!;
    for (;;) {
      const c = this.count[node]!;
      this.mx[node] = (this.mx[node]! * c + px) / (c + 1);
      this.my[node] = (this.my[node]! * c + py) / (c + 1);
      this.count[node] = c + 1;
      if (this.child[node] === -1) {
        if (this.point[node] === -1 && c === 0) {
          this.point[node] = i;
          return;
        }
        // Duplicate points (or too deep): keep them together in this leaf.
        const other = this.point[node]!;
        if (depth > 50 || (other >= 0 && this.y[2 * other] === px && this.y[2 * other + 1] === py)) return;
        this.subdivide(node);
        if (other >= 0) {
          this.point[node] = -1;
          this.descend(node, other, depth);
        }
      }
      node = this.quadrant(node, px, py);
      depth++;
    }
  }

  private descend(node: number, i: number, depth: number): void {
    const target = this.quadrant(node, this.y[2 * i]!, this.y[2 * i + 1]!);
    this.insert(target, i, depth + 1);
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

  /** Adds point i's unnormalised repulsion to force[0..1] and returns its share of Z. */
  repulse(i: number, theta2: number, force: Float64Array): number {
    const px = this.y[2 * i]!;
    const py = this.y[2 * i + 1]!;
    let z = 0;
    const stack = [0];
    while (stack.length) {
      const node = stack.pop()!;
      const c = this.count[node]!;
      if (c === 0) continue;
      const dx = px - this.mx[node]!;
      const dy = py - this.my[node]!;
      const d2 = dx * dx + dy * dy;
      const isLeaf = this.child[node] === -1;
      const width = 2 * this.half[node]!;
      if (isLeaf || width * width < theta2 * d2) {
        // A leaf holding only point i itself adds nothing.
        const self = isLeaf && this.point[node] === i ? 1 : 0;
        const m = c - self;
        if (m <= 0) continue;
        const q = 1 / (1 + d2);
        z += m * q;
        const mq2 = m * q * q;
        force[0] += mq2 * dx;
        force[1] += mq2 * dy;
      } else {
        const first = this.child[node]!;
        stack.push(first, first + 1, first + 2, first + 3);
      }
    }
    return z;
  }
}

/** [N][2] coordinates, in input order. */
export function tsne(rows: number[][] | Matrix, options: TsneOptions = {}): number[][] {
  let x = rows instanceof Matrix ? rows : Matrix.from(rows);
  const n = x.rows;
  const perplexity = options.perplexity ?? 30;
  if (n <= 3 * perplexity) {
    throw new StudyError(`t-SNE needs more than 3 x perplexity points: ${n} points, perplexity ${perplexity} (lower the perplexity below ${(n / 3).toFixed(1)})`);
  }
  const pcaDims = options.pcaDimensions ?? 50;
  if (pcaDims > 0 && x.cols > pcaDims) x = pca(x, pcaDims).projected;
  const k = Math.min(n - 1, Math.floor(3 * perplexity));
  const { indices, distances } = nearestNeighbours(x, k, options.seed ?? 0);
  const P = symmetrise(conditionalP(distances, n, k, perplexity), indices, n, k);

  // Initialisation: the first two principal components, scaled to std 1e-4 (scikit-learn's 'pca').
  const init = pca(x, 2).projected;
  const y = new Float64Array(n * 2);
  let sd = 0;
  for (let i = 0; i < n; i++) sd += init.data[i * 2]! ** 2;
  sd = Math.sqrt(sd / n) || 1;
  for (let i = 0; i < n * 2; i++) y[i] = (init.data[i]! / sd) * 1e-4;

  const iterations = options.iterations ?? 1000;
  const exaggerationIterations = Math.min(250, iterations);
  const learningRate = Math.max(n / 12 / 4, 50);
  const theta2 = (options.theta ?? 0.5) ** 2;
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const grad = new Float64Array(n * 2);
  const repulsion = new Float64Array(n * 2);
  const force = new Float64Array(2);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const exaggeration = iteration < exaggerationIterations ? 12 : 1;
    const momentum = iteration < exaggerationIterations ? 0.5 : 0.8;
    const tree = new QuadTree(y, n);
    let z = 0;
    for (let i = 0; i < n; i++) {
      force[0] = 0;
      force[1] = 0;
      z += tree.repulse(i, theta2, force);
      repulsion[2 * i] = force[0];
      repulsion[2 * i + 1] = force[1];
    }
    for (let i = 0; i < n; i++) {
      let ax = 0;
      let ay = 0;
      for (let e = P.rowStart[i]!; e < P.rowStart[i + 1]!; e++) {
        const j = P.columns[e]!;
        const dx = y[2 * i]! - y[2 * j]!;
        const dy = y[2 * i + 1]! - y[2 * j + 1]!;
        const q = 1 / (1 + dx * dx + dy * dy);
        const pq = P.values[e]! * exaggeration * q;
        ax += pq * dx;
        ay += pq * dy;
      }
      grad[2 * i] = 4 * (ax - repulsion[2 * i]! / z);
      grad[2 * i + 1] = 4 * (ay - repulsion[2 * i + 1]! / z);
    }
    for (let i = 0; i < n * 2; i++) {
      gains[i] = Math.max(0.01, Math.sign(grad[i]!) !== Math.sign(update[i]!) ? gains[i]! + 0.2 : gains[i]! * 0.8);
      update[i] = momentum * update[i]! - learningRate * gains[i]! * grad[i]!;
      y[i] += update[i]!;
    }
    options.onIteration?.(iteration + 1, iterations);
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

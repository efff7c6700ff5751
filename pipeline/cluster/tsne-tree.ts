/**
 * Barnes-Hut repulsion: a quadtree over the map (duplicate points share a leaf and keep their
 * mass), traversed per point with the opening criterion theta, in Morton order for cache reuse.
 */
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

export class QuadTree {
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
export function mortonOrder(y: Float64Array, n: number, order: Int32Array): void {
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

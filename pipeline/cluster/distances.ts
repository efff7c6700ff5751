/**
 * Points as a row-major matrix, and the squared Euclidean distances from every point to a set of
 * centres that KMeans needs at each step: ||x||^2 - 2 x.c + ||c||^2, the x.c part as one matrix
 * product (onnxruntime's MatMul, float32, as scikit-learn uses BLAS) or, where onnxruntime is
 * not there, in plain JavaScript (float64).
 */
export class Matrix {
  constructor(readonly data: Float64Array, readonly rows: number, readonly cols: number) {}

  static from(rows: number[][] | Float64Array[] | Float32Array[]): Matrix {
    const n = rows.length;
    const d = n ? rows[0]!.length : 0;
    const data = new Float64Array(n * d);
    rows.forEach((r, i) => {
      if (r.length !== d) throw new Error(`row ${i} has ${r.length} values, row 0 has ${d}`);
      data.set(r as ArrayLike<number>, i * d);
    });
    return new Matrix(data, n, d);
  }

  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Each row's squared Euclidean norm. */
  squaredNorms(): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) {
      let s = 0;
      for (let j = 0, o = i * this.cols; j < this.cols; j++) s += this.data[o + j]! ** 2;
      out[i] = s;
    }
    return out;
  }
}

/** `row` scaled to unit Euclidean length, in place (a zero row stays zero). */
export function normaliseRow(row: Float32Array | Float64Array): void {
  let norm = 0;
  for (const v of row) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < row.length; i++) row[i]! /= norm;
}


/**
 * Partial squared distances ||c||^2 - 2 x.c of every point to each of `k` centres, [n * k]
 * (add ||x||^2 for the distance). The engine is where the time goes: a matrix product.
 */
export interface DistanceEngine {
  partial(centres: Float64Array, k: number): Promise<ArrayLike<number>>;
  /** Per-cluster sums of the points, [k * d]. */
  sums(labels: Int32Array, k: number): Promise<ArrayLike<number>>;
  close?(): Promise<void>;
}

function centreNormsOf(centres: Float64Array, k: number, d: number): Float64Array {
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centres[c * d + j]! ** 2;
    out[c] = s;
  }
  return out;
}

/** Plain JavaScript, float64: the fallback when onnxruntime is not available. */
export function jsDistances(x: Matrix): DistanceEngine {
  return {
    async partial(centres, k) {
      const { rows: n, cols: d, data } = x;
      const cn = centreNormsOf(centres, k, d);
      const out = new Float64Array(n * k);
      for (let i = 0; i < n; i++) {
        const o = i * d;
        for (let c = 0; c < k; c++) {
          let dot = 0;
          const co = c * d;
          for (let j = 0; j < d; j++) dot += data[o + j]! * centres[co + j]!;
          out[i * k + c] = cn[c]! - 2 * dot;
        }
      }
      return out;
    },
    async sums(labels, k) {
      const { rows: n, cols: d, data } = x;
      const sums = new Float64Array(k * d);
      for (let i = 0; i < n; i++) {
        const c = labels[i]!;
        for (let j = 0, o = i * d; j < d; j++) sums[c * d + j] += data[o + j]!;
      }
      return sums;
    },
  };
}

/**
 * onnxruntime: one MatMul graph (X [n, d] times C^T, scaled and shifted by the centre norms),
 * in float32 like scikit-learn on float32 embeddings, on native multithreaded kernels.
 * Inertia is recomputed exactly in float64 from the final labels.
 */
export async function onnxDistances(x: Matrix): Promise<DistanceEngine> {
  const { createSession } = await import('../core/onnx-runtime.ts');
  const { clusterSumGraph, distanceGraph } = await import('./distance-graph.ts');
  const { ort, session } = await createSession(distanceGraph());
  const { session: summing } = await createSession(clusterSumGraph());
  const points = new ort.Tensor('float32', Float32Array.from(x.data), [x.rows, x.cols]);
  return {
    async partial(centres, k) {
      const d = x.cols;
      const result = await session.run({
        x: points,
        c: new ort.Tensor('float32', Float32Array.from(centres.subarray(0, k * d)), [k, d]),
        cn: new ort.Tensor('float32', Float32Array.from(centreNormsOf(centres, k, d)), [k]),
      });
      return result.partial!.data as Float32Array;
    },
    async sums(labels, k) {
      const onehot = new Float32Array(x.rows * k);
      for (let i = 0; i < x.rows; i++) onehot[i * k + labels[i]!] = 1;
      const result = await summing.run({ x: points, onehot: new ort.Tensor('float32', onehot, [x.rows, k]) });
      return result.sums!.data as Float32Array;
    },
    close: async () => {
      await session.release();
      await summing.release();
    },
  };
}

/** The engine for `x`: onnxruntime when it loads, else plain JavaScript. */
export async function distanceEngine(x: Matrix, engine: 'auto' | 'onnxruntime' | 'js' = 'auto'): Promise<DistanceEngine> {
  if (engine === 'js') return jsDistances(x);
  try {
    return await onnxDistances(x);
  } catch (error) {
    if (engine === 'onnxruntime') throw error;
    return jsDistances(x);
  }
}

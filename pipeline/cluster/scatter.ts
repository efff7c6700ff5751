/**
 * The two matrices PCA decomposes, from centred rows C (n x d), in float64: the scatter C^T C
 * (d x d) and the Gram matrix C C^T (n x n). One Gemm in onnxruntime (native, multithreaded:
 * 12,500 x 2,048 takes seconds where plain JavaScript takes a minute), with a JavaScript
 * fallback when onnxruntime cannot be loaded; both give the same numbers to rounding.
 */
import { DOUBLE, encodeModel, node, valueInfo } from '../core/onnx-graph.ts';
import { createSession } from '../core/onnx-runtime.ts';

function productGraph(gram: boolean): Uint8Array {
  return encodeModel({
    name: gram ? 'gram' : 'scatter',
    node: [node('Gemm', ['c', 'c'], 'product', [{ name: gram ? 'transB' : 'transA', i: 1 }])],
    input: [valueInfo('c', ['n', 'd'], DOUBLE)],
    output: [valueInfo('product', gram ? ['n', 'n'] : ['d', 'd'], DOUBLE)],
  });
}

/** C^T C, or C C^T when `gram`, in onnxruntime; undefined when it is not available. */
export async function productInOnnx(c: Float64Array, n: number, d: number, gram: boolean): Promise<Float64Array | undefined> {
  let made;
  try {
    made = await createSession(productGraph(gram));
  } catch {
    return undefined;
  }
  const { ort, session } = made;
  try {
    const out = await session.run({ c: new ort.Tensor('float64', c, [n, d]) });
    const product = out.product!.data as Float64Array;
    // Exactly symmetric, as the eigensolver expects.
    const m = gram ? n : d;
    for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) product[b * m + a] = product[a * m + b]!;
    return product;
  } finally {
    await session.release();
  }
}

/** The same products in plain JavaScript. */
export function productInJs(c: Float64Array, n: number, d: number, gram: boolean): Float64Array {
  if (gram) {
    const g = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += c[a * d + j]! * c[b * d + j]!;
        g[a * n + b] = g[b * n + a] = dot;
      }
    }
    return g;
  }
  const s = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const va = c[o + a]!;
      if (va === 0) continue;
      const row = a * d;
      for (let b = a; b < d; b++) s[row + b] += va * c[o + b]!;
    }
  }
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) s[b * d + a] = s[a * d + b]!;
  return s;
}

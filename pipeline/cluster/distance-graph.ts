/**
 * The ONNX graphs behind KMeans and t-SNE's neighbours: distances, partial = cn - 2 * (x @ c^T),
 * with x [n, d], c [k, d] and cn [k] (the centres' squared norms), output [n, k]; and
 * per-cluster sums.
 */
import { encodeModel, initializer, node, valueInfo } from '../core/onnx-graph.ts';

/** Per-cluster sums of the points: onehot^T @ x, with onehot [n, k] the assignment. Output [k, d]. */
export function clusterSumGraph(): Uint8Array {
  return encodeModel({
    name: 'kmeans_sums',
    node: [node('Gemm', ['onehot', 'x'], 'sums', [{ name: 'transA', i: 1 }])],
    input: [valueInfo('x', ['n', 'd']), valueInfo('onehot', ['n', 'k'])],
    output: [valueInfo('sums', ['k', 'd'])],
  });
}

export function distanceGraph(): Uint8Array {
  return encodeModel({
    name: 'kmeans_distances',
    node: [
      node('Transpose', ['c'], 'ct', [{ name: 'perm', ints: [1, 0] }]),
      node('MatMul', ['x', 'ct'], 'dots'),
      node('Mul', ['dots', 'minus_two'], 'scaled'),
      node('Add', ['scaled', 'cn'], 'partial'),
    ],
    initializer: [initializer('minus_two', [], Float32Array.of(-2))],
    input: [valueInfo('x', ['n', 'd']), valueInfo('c', ['k', 'd']), valueInfo('cn', ['k'])],
    output: [valueInfo('partial', ['n', 'k'])],
  });
}

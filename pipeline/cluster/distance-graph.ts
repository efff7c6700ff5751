/**
 * The ONNX graphs behind KMeans: distances, partial = cn - 2 * (x @ c^T), with x [n, d],
 * c [k, d] and cn [k] (the centres' squared norms), output [n, k]; and per-cluster sums.
 */
import pkg from 'onnx-proto';

const { onnx } = pkg;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

const value = (name: string, dims: (number | string)[]) =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
const node = (opType: string, input: string[], output: string, attribute: InstanceType<typeof onnx.AttributeProto>[] = []) =>
  onnx.NodeProto.create({ opType, input, output: [output], name: output, attribute });
const encode = (graph: InstanceType<typeof onnx.GraphProto>) =>
  onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName: 'vision-study', opsetImport: [{ domain: '', version: 17 }], graph })).finish();

/** Per-cluster sums of the points: onehot^T @ x, with onehot [n, k] the assignment. Output [k, d]. */
export function clusterSumGraph(): Uint8Array {
  return encode(
    onnx.GraphProto.create({
      name: 'kmeans_sums',
      node: [node('Gemm', ['onehot', 'x'], 'sums', [onnx.AttributeProto.create({ name: 'transA', type: onnx.AttributeProto.AttributeType.INT, i: 1 })])],
      input: [value('x', ['n', 'd']), value('onehot', ['n', 'k'])],
      output: [value('sums', ['k', 'd'])],
    }),
  );
}

export function distanceGraph(): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'kmeans_distances',
    node: [
      node('Transpose', ['c'], 'ct', [onnx.AttributeProto.create({ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 0] })]),
      node('MatMul', ['x', 'ct'], 'dots'),
      node('Mul', ['dots', 'minus_two'], 'scaled'),
      node('Add', ['scaled', 'cn'], 'partial'),
    ],
    initializer: [onnx.TensorProto.create({ name: 'minus_two', dims: [], dataType: FLOAT, floatData: [-2] })],
    input: [value('x', ['n', 'd']), value('c', ['k', 'd']), value('cn', ['k'])],
    output: [value('partial', ['n', 'k'])],
  });
  return encode(graph);
}

/**
 * Writing ONNX models (npm onnx-proto): float32 graphs at IR version 8, opset 17, which
 * onnxruntime-node 1.30 runs. The ResNet (model/onnx-resnet.ts) and the KMeans / kNN matrix
 * products (cluster/distance-graph.ts) are built from these.
 */
import pkg from 'onnx-proto';

export const { onnx } = pkg;
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

export type Node = InstanceType<typeof onnx.NodeProto>;
export type Initializer = InstanceType<typeof onnx.TensorProto>;

/** An attribute: a list of ints, an int, a float or a string. */
export type Attribute = { name: string; ints?: number[]; i?: number; f?: number; s?: string };

/** A tensor's name and shape (float32 unless said); strings are symbolic (batch-sized) dimensions. */
export function valueInfo(name: string, dims: (number | string)[], elemType: number = FLOAT) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

export function node(opType: string, input: string[], output: string, attributes: Attribute[] = []): Node {
  const { AttributeType } = onnx.AttributeProto;
  return onnx.NodeProto.create({
    opType,
    input,
    output: [output],
    name: output,
    attribute: attributes.map((a) =>
      a.s !== undefined
        ? onnx.AttributeProto.create({ name: a.name, type: AttributeType.STRING, s: new TextEncoder().encode(a.s) })
        : a.ints
        ? onnx.AttributeProto.create({ name: a.name, type: AttributeType.INTS, ints: a.ints })
        : a.f !== undefined
          ? onnx.AttributeProto.create({ name: a.name, type: AttributeType.FLOAT, f: a.f })
          : onnx.AttributeProto.create({ name: a.name, type: AttributeType.INT, i: a.i }),
    ),
  });
}

/** A float32 initializer whose bytes are the array's own (no copy). */
export function initializer(name: string, dims: number[], data: Float32Array): Initializer {
  return onnx.TensorProto.create({ name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
}

export function encodeModel(graph: { name: string; node: Node[]; initializer?: Initializer[]; input: ReturnType<typeof valueInfo>[]; output: ReturnType<typeof valueInfo>[] }): Uint8Array {
  const model = onnx.ModelProto.create({ irVersion: 8, producerName: 'vision-study', opsetImport: [{ domain: '', version: 17 }], graph: onnx.GraphProto.create(graph) });
  return onnx.ModelProto.encode(model).finish();
}

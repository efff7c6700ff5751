/**
 * A small writer of ONNX graphs for the training step: unique names, typed constants, and the
 * handful of shape-aware helpers the gradient rules need. Standard operators only (opset 17),
 * so every onnxruntime execution provider can run what it writes.
 */
import { encodeModel, FLOAT, node, onnx, valueInfo, type Attribute, type Initializer, type Node } from '../../core/onnx-graph.ts';

const INT64 = onnx.TensorProto.DataType.INT64;

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ReturnType<typeof valueInfo>[] = [];
  readonly outputs: ReturnType<typeof valueInfo>[] = [];
  private counter = 0;
  private constants = new Map<string, string>();

  /** Adds a node; returns its (single) output's name. */
  op(opType: string, inputs: string[], attributes: Attribute[] = [], output = `${opType.toLowerCase()}_${this.counter++}`): string {
    this.nodes.push(node(opType, inputs, output, attributes));
    return output;
  }

  /** A node with several outputs (MaxPool with indices). */
  opMulti(opType: string, inputs: string[], outputs: string[], attributes: Attribute[] = []): string[] {
    const n = node(opType, inputs, outputs[0]!, attributes);
    n.output = outputs;
    this.nodes.push(n);
    return outputs;
  }

  input(name: string, dims: (number | string)[], elemType: number = FLOAT): string {
    this.inputs.push(valueInfo(name, dims, elemType));
    return name;
  }

  output(name: string, dims: (number | string)[], elemType: number = FLOAT): void {
    this.outputs.push(valueInfo(name, dims, elemType));
  }

  /** A float32 constant (shared by value). */
  scalar(value: number): string {
    return this.constant(`f:${value}`, () => onnx.TensorProto.create({ name: '', dims: [], dataType: FLOAT, floatData: [value] }));
  }

  /** A float32 vector constant. */
  floats(values: number[]): string {
    return this.constant(`fv:${values.join(',')}`, () => onnx.TensorProto.create({ name: '', dims: [values.length], dataType: FLOAT, floatData: values }));
  }

  /** An int64 vector constant (axes, shapes, slice bounds). */
  ints(values: number[]): string {
    return this.constant(`i:${values.join(',')}`, () => onnx.TensorProto.create({ name: '', dims: [values.length], dataType: INT64, int64Data: values }));
  }

  private constant(key: string, make: () => Initializer): string {
    let name = this.constants.get(key);
    if (!name) {
      name = `const_${this.constants.size}`;
      const tensor = make();
      tensor.name = name;
      this.initializers.push(tensor);
      this.constants.set(key, name);
    }
    return name;
  }

  // ---- helpers used by the forward pass and the gradient rules ----
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  scale(a: string, factor: number): string {
    return this.op('Mul', [a, this.scalar(factor)]);
  }
  reshape(x: string, shape: number[]): string {
    return this.op('Reshape', [x, this.ints(shape)]);
  }
  transpose(x: string, perm: number[]): string {
    return this.op('Transpose', [x], [{ name: 'perm', ints: perm }]);
  }
  /** Sum over `axes`, keeping them as size-1 dimensions unless `keep` is false. */
  sum(x: string, axes: number[], keep = true): string {
    return this.op('ReduceSum', [x, this.ints(axes)], [{ name: 'keepdims', i: keep ? 1 : 0 }]);
  }
  mean(x: string, axes: number[], keep = true): string {
    return this.op('ReduceMean', [x], [{ name: 'axes', ints: axes }, { name: 'keepdims', i: keep ? 1 : 0 }]);
  }

  encode(name: string): Uint8Array {
    return encodeModel({ name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs });
  }
}

export { FLOAT, INT64 };

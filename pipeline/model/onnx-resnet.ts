/**
 * The trained ResNet as an ONNX graph, run by onnxruntime-node: native, multithreaded kernels
 * for every forward-only pass (evaluation, embeddings, prediction, Grad-CAM at the last
 * stage). Training runs through onnxruntime too, as one static graph written by onnx-train/
 * (onnxruntime has no training API in Node); TensorFlow.js is the optional second engine.
 *
 * The graph is written from the torchvision-layout tensors (the file training exports), so
 * it is the same network by construction: Conv (OIHW weights, symmetric pads), BatchNormalization
 * in inference mode (epsilon 1e-5), MaxPool 3/2 padded by 1, bottleneck blocks with the stride
 * on the 3x3 convolution, global average pooling, a Gemm head. The input is our NHWC batch;
 * a Transpose makes it NCHW inside the graph.
 */
import type { InferenceSession as Session, Tensor as OrtTensor } from 'onnxruntime-node';
import { StudyError } from '../core/errors.ts';
import { createSession } from '../core/onnx-runtime.ts';
import { encodeModel, initializer, node, valueInfo, type Attribute, type Initializer, type Node } from '../core/onnx-graph.ts';
import { readSafetensors, type NamedTensor } from './safetensors.ts';
import { specFromTensors } from './torch-layout.ts';
import type { ResNetSpec } from './resnet.ts';
import * as msg from '../core/messages.ts';

const EPSILON = 1e-5;

export interface OnnxGraphOptions {
  /** Also output this stage's activation (1-based, NCHW), e.g. 4 for Grad-CAM at layer4. */
  stageOutput?: number;
}

/** The ONNX model (bytes) of a torchvision ResNet with Bottleneck blocks. */
export function resnetOnnxModel(tensors: Map<string, NamedTensor>, spec: ResNetSpec, options: OnnxGraphOptions = {}): Uint8Array {
  const nodes: Node[] = [];
  const initializers: Initializer[] = [];
  const used = new Set<string>();
  const weight = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new StudyError(msg.missingTensor('the ONNX graph', name));
    if (!used.has(name)) {
      used.add(name);
      initializers.push(initializer(name, t.shape, t.data));
    }
    return name;
  };
  let counter = 0;
  const add = (opType: string, inputs: string[], attributes: Attribute[] = [], output = `${opType.toLowerCase()}_${counter++}`) => {
    nodes.push(node(opType, inputs, output, attributes));
    return output;
  };
  const conv = (x: string, name: string, stride: number, pad: number) => {
    const [, , kh, kw] = tensors.get(`${name}.weight`)?.shape ?? [];
    return add('Conv', [x, weight(`${name}.weight`)], [
      { name: 'kernel_shape', ints: [kh!, kw!] },
      { name: 'strides', ints: [stride, stride] },
      { name: 'pads', ints: [pad, pad, pad, pad] },
    ]);
  };
  const bn = (x: string, name: string) =>
    add('BatchNormalization', [x, ...['weight', 'bias', 'running_mean', 'running_var'].map((p) => weight(`${name}.${p}`))], [{ name: 'epsilon', f: EPSILON }]);
  const relu = (x: string, output?: string) => add('Relu', [x], [], output);

  let x = add('Transpose', ['input'], [{ name: 'perm', ints: [0, 3, 1, 2] }]);
  x = relu(bn(conv(x, 'conv1', 2, 3), 'bn1'));
  x = add('MaxPool', [x], [{ name: 'kernel_shape', ints: [3, 3] }, { name: 'strides', ints: [2, 2] }, { name: 'pads', ints: [1, 1, 1, 1] }]);
  let channels = spec.stemWidth;
  spec.blocks.forEach((count, stage) => {
    for (let b = 0; b < count; b++) {
      const name = `layer${stage + 1}.${b}`;
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const out = spec.outChannels[stage]!;
      let y = relu(bn(conv(x, `${name}.conv1`, 1, 0), `${name}.bn1`));
      y = relu(bn(conv(y, `${name}.conv2`, stride, 1), `${name}.bn2`));
      y = bn(conv(y, `${name}.conv3`, 1, 0), `${name}.bn3`);
      const shortcut = stride !== 1 || channels !== out ? bn(conv(x, `${name}.downsample.0`, stride, 0), `${name}.downsample.1`) : x;
      const last = b === count - 1 && options.stageOutput === stage + 1;
      x = relu(add('Add', [y, shortcut]), last ? `layer${stage + 1}` : undefined);
      channels = out;
    }
  });
  const features = add('Flatten', [add('GlobalAveragePool', [x])], [{ name: 'axis', i: 1 }], 'features');
  add('Gemm', [features, weight('fc.weight'), weight('fc.bias')], [{ name: 'transB', i: 1 }], 'logits');

  const outputs = [valueInfo('logits', ['N', spec.classes]), valueInfo('features', ['N', channels])];
  if (options.stageOutput) outputs.push(valueInfo(`layer${options.stageOutput}`, ['N', spec.outChannels[options.stageOutput - 1]!, 'h', 'w']));
  return encodeModel({ name: 'resnet', node: nodes, initializer: initializers, input: [valueInfo('input', ['N', 'H', 'W', 3])], output: outputs });
}

export interface OnnxForward {
  logits: Float32Array;
  features: Float32Array;
  /** The requested stage's activation, NCHW, with its shape. */
  stage?: { data: Float32Array; shape: [number, number, number, number] };
}

/** A ResNet in an onnxruntime session. */
export class OnnxResNet {
  private constructor(
    readonly spec: ResNetSpec,
    /** The head's weights, [classes * features] (Grad-CAM at the last stage is CAM with them). */
    readonly fcWeight: Float32Array,
    private readonly session: Session,
    private readonly ort: typeof import('onnxruntime-node'),
    readonly stageOutput: number | undefined,
  ) {}

  static async fromTensors(tensors: Map<string, NamedTensor>, source: string, options: OnnxGraphOptions & { threads?: number } = {}): Promise<OnnxResNet> {
    const spec = specFromTensors(tensors, source);
    if (options.stageOutput !== undefined && (options.stageOutput < 1 || options.stageOutput > spec.blocks.length)) {
      throw new StudyError(msg.unknownLayer(`layer${options.stageOutput}`, spec.blocks.length));
    }
    const { ort, session } = await createSession(resnetOnnxModel(tensors, spec, options), options.threads);
    return new OnnxResNet(spec, tensors.get('fc.weight')!.data, session, ort, options.stageOutput);
  }

  static async fromFile(path: string, options: OnnxGraphOptions & { threads?: number } = {}): Promise<OnnxResNet> {
    const { tensors } = await readSafetensors(path);
    return OnnxResNet.fromTensors(tensors, path, options);
  }

  /** One batch, NHWC float32 (what ImageCache batches and photo inputs are). */
  async run(x: Float32Array, shape: [number, number, number, number]): Promise<OnnxForward> {
    const input = new this.ort.Tensor('float32', x, shape);
    const result = await this.session.run({ input });
    const read = (t: OrtTensor | undefined) => t!.data as Float32Array;
    const out: OnnxForward = { logits: read(result.logits), features: read(result.features) };
    if (this.stageOutput) {
      const t = result[`layer${this.stageOutput}`]!;
      out.stage = { data: read(t), shape: t.dims as [number, number, number, number] };
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

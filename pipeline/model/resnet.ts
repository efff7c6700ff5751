/**
 * ResNet with Bottleneck blocks in tf.layers, matching torchvision exactly (v1.5):
 *  - every padded convolution pads explicitly and symmetrically (conv-layer.ts; TensorFlow's
 *    'same' pads bottom/right more at stride 2 on even inputs; PyTorch does not);
 *  - the max-pool pads by 1 too: after a ReLU, zero padding equals PyTorch's -inf padding;
 *  - BatchNorm epsilon 1e-5 (Keras: 1e-3), momentum 0.9 (PyTorch's 0.1);
 *  - the stride sits on the bottleneck's 3x3 convolution;
 *  - layers are named as torchvision's parameters (conv1, layer1.0.conv2, fc ...).
 * Inputs are NHWC of any size; outputs are the logits and the pooled (penultimate) features.
 */
import { StudyError } from '../core/errors.ts';
import { tf } from './backend.ts';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { TorchConv2D } from './conv-layer.ts';
import { TorchBatchNorm } from './batch-norm-layer.ts';
import * as msg from '../core/messages.ts';

export interface ResNetSpec {
  /** Channels of the stem convolution (64 in torchvision). */
  stemWidth: number;
  /** Bottleneck blocks per stage: [3, 4, 6, 3] for ResNet50. */
  blocks: number[];
  /** Width of each stage's 3x3 convolutions: planes * width_per_group / 64. */
  widths: number[];
  /** Output channels of each stage: planes * 4. */
  outChannels: number[];
  classes: number;
}

export const RESNET50: ResNetSpec = {
  stemWidth: 64,
  blocks: [3, 4, 6, 3],
  widths: [64, 128, 256, 512],
  outChannels: [256, 512, 1024, 2048],
  classes: 1,
};

export interface ResNet {
  spec: ResNetSpec;
  /** [logits, penultimate features]. */
  model: tf.LayersModel;
  /** Outputs of each stage (layer1..layer4), for Grad-CAM and embeddings. */
  stages: SymbolicTensor[];
  input: SymbolicTensor;
  logits: SymbolicTensor;
  features: SymbolicTensor;
  /** The network after stage `stage` (1-based: the input is layer{stage}'s output) up to the logits, sharing weights. */
  headFrom(stage: number): tf.LayersModel;
}

const BN = { momentum: 0.9, epsilon: 1e-5 };

export function buildResNet(spec: ResNetSpec, seed = 0): ResNet {
  // tfjs treats a seed of 0 as no seed (Math.random): start at 1.
  let layerSeed = seed * 1000 + 1;
  // Layers are created once, by name, and may be applied again (shared weights): that is how
  // headFrom() builds the part of the network after a stage, for Grad-CAM.
  const layers = new Map<string, tf.layers.Layer>();
  const layer = <L extends tf.layers.Layer>(name: string, make: () => L): L => {
    if (!layers.has(name)) layers.set(name, make());
    return layers.get(name) as L;
  };
  const conv = (x: SymbolicTensor, name: string, filters: number, kernel: number, stride: number, pad: number): SymbolicTensor =>
    layer(name, () => new TorchConv2D({ filters, kernelSize: kernel, strides: stride, padding: pad, name, kernelInitializer: tf.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'normal', seed: layerSeed++ }) })).apply(x) as SymbolicTensor;
  const bn = (x: SymbolicTensor, name: string) => layer(name, () => new TorchBatchNorm({ ...BN, name })).apply(x) as SymbolicTensor;
  const relu = (x: SymbolicTensor, name: string) => layer(name, () => tf.layers.reLU({ name })).apply(x) as SymbolicTensor;

  /** Stages `from`.. onwards, then pooling and the head. */
  const applyFrom = (start: SymbolicTensor, from: number) => {
    let x = start;
    let channels = from === 0 ? spec.stemWidth : spec.outChannels[from - 1]!;
    const stages: SymbolicTensor[] = [];
    spec.blocks.forEach((count, stage) => {
      if (stage < from) return;
      for (let b = 0; b < count; b++) {
        const name = `layer${stage + 1}.${b}`;
        const stride = stage > 0 && b === 0 ? 2 : 1;
        const out = spec.outChannels[stage]!;
        let y = relu(bn(conv(x, `${name}.conv1`, spec.widths[stage]!, 1, 1, 0), `${name}.bn1`), `${name}.relu1`);
        y = relu(bn(conv(y, `${name}.conv2`, spec.widths[stage]!, 3, stride, 1), `${name}.bn2`), `${name}.relu2`);
        y = bn(conv(y, `${name}.conv3`, out, 1, 1, 0), `${name}.bn3`);
        const shortcut = stride !== 1 || channels !== out ? bn(conv(x, `${name}.downsample.0`, out, 1, stride, 0), `${name}.downsample.1`) : x;
        x = relu(layer(`${name}.add`, () => tf.layers.add({ name: `${name}.add` })).apply([y, shortcut]) as SymbolicTensor, `${name}.relu`);
        channels = out;
      }
      stages.push(x);
    });
    const features = layer('avgpool', () => tf.layers.globalAveragePooling2d({ name: 'avgpool' })).apply(x) as SymbolicTensor;
    const bound = 1 / Math.sqrt(channels);
    const logits = layer('fc', () =>
      tf.layers.dense({
        units: spec.classes,
        name: 'fc',
        kernelInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: layerSeed++ }),
        biasInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed: layerSeed++ }),
      }),
    ).apply(features) as SymbolicTensor;
    return { stages, features, logits };
  };

  const input = tf.input({ shape: [null, null, 3], name: 'input' });
  let x = relu(bn(conv(input, 'conv1', spec.stemWidth, 7, 2, 3), 'bn1'), 'relu');
  x = layer('maxpool.pad', () => tf.layers.zeroPadding2d({ padding: 1, name: 'maxpool.pad' })).apply(x) as SymbolicTensor;
  x = layer('maxpool', () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'maxpool' })).apply(x) as SymbolicTensor;
  const { stages, features, logits } = applyFrom(x, 0);
  const model = tf.model({ inputs: input, outputs: [logits, features], name: 'resnet' });
  const headFrom = (stage: number) => {
    const activation = tf.input({ shape: [null, null, spec.outChannels[stage - 1]!], name: `layer${stage}_activation` });
    return tf.model({ inputs: activation, outputs: applyFrom(activation, stage).logits, name: `head_after_layer${stage}` });
  };
  return { spec, model, stages, input, logits, features, headFrom };
}

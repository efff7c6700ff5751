/**
 * torchvision's state_dict layout <-> the tf.layers ResNet: conv weights OIHW <-> HWIO, the
 * linear layer [out, in] <-> [in, out], BatchNorm weight/bias/running_mean/running_var <->
 * gamma/beta/moving_mean/moving_variance. Block counts and widths are read from the tensors,
 * so ResNet50 and the tiny test network load through the same code.
 */
import { tf } from './backend.ts';
import { StudyError } from '../core/errors.ts';
import type { NamedTensor } from './safetensors.ts';
import type { ResNet, ResNetSpec } from './resnet.ts';
import * as msg from '../core/messages.ts';

export function specFromTensors(tensors: Map<string, NamedTensor>, source: string): ResNetSpec {
  const shape = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new StudyError(msg.notTorchvisionResnet(source, name));
    return t.shape;
  };
  const blocks: number[] = [];
  const widths: number[] = [];
  const outChannels: number[] = [];
  for (let stage = 1; tensors.has(`layer${stage}.0.conv1.weight`); stage++) {
    let count = 0;
    while (tensors.has(`layer${stage}.${count}.conv1.weight`)) count++;
    blocks.push(count);
    widths.push(shape(`layer${stage}.0.conv1.weight`)[0]!);
    outChannels.push(shape(`layer${stage}.0.conv3.weight`)[0]!);
  }
  if (blocks.length === 0) throw new StudyError(msg.notTorchvisionResnet(source, 'layer1.0.conv1.weight'));
  return { stemWidth: shape('conv1.weight')[0]!, blocks, widths, outChannels, classes: tensors.has('fc.weight') ? shape('fc.weight')[0]! : 1 };
}

function oihwToHwio(t: NamedTensor): tf.Tensor {
  const [o, i, h, w] = t.shape as [number, number, number, number];
  return tf.tidy(() => tf.transpose(tf.tensor4d(t.data, [o, i, h, w]), [2, 3, 1, 0]));
}

/** Copies torchvision tensors into the network. `head: false` keeps the network's own fc. */
export function loadTorchWeights(net: ResNet, tensors: Map<string, NamedTensor>, source: string, options: { head?: boolean } = {}): void {
  const get = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new StudyError(msg.missingTensor(source, name));
    return t;
  };
  for (const layer of net.model.layers) {
    const name = layer.name;
    const className = layer.getClassName();
    let values: tf.Tensor[] | undefined;
    if (className === 'Conv2D' || className === 'TorchConv2D') {
      values = [oihwToHwio(get(`${name}.weight`))];
    } else if (className === 'BatchNormalization' || className === 'TorchBatchNorm') {
      values = ['weight', 'bias', 'running_mean', 'running_var'].map((p) => {
        const t = get(`${name}.${p}`);
        return tf.tensor1d(t.data);
      });
    } else if (className === 'Dense' && options.head !== false) {
      const w = get(`${name}.weight`);
      const [out, inp] = w.shape as [number, number];
      values = [tf.tidy(() => tf.transpose(tf.tensor2d(w.data, [out, inp]))), tf.tensor1d(get(`${name}.bias`).data)];
    }
    if (!values) continue;
    const expected = layer.getWeights().map((w) => w.shape.join('x'));
    const got = values.map((v) => v.shape.join('x'));
    if (expected.join() !== got.join()) {
      tf.dispose(values);
      throw new StudyError(msg.tensorShape(source, name, got, expected));
    }
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** The network's weights in torchvision's layout (what PyTorch's load_state_dict takes). */
export async function exportTorchWeights(net: ResNet, batchesTracked = 0): Promise<Map<string, NamedTensor>> {
  const out = new Map<string, NamedTensor>();
  for (const layer of net.model.layers) {
    const name = layer.name;
    const className = layer.getClassName();
    const weights = layer.getWeights();
    if (className === 'Conv2D' || className === 'TorchConv2D') {
      const hwio = weights[0]!;
      const oihw = tf.tidy(() => tf.transpose(hwio, [3, 2, 0, 1]));
      out.set(`${name}.weight`, { shape: oihw.shape, data: (await oihw.data()) as Float32Array });
      oihw.dispose();
    } else if (className === 'BatchNormalization' || className === 'TorchBatchNorm') {
      const names = ['weight', 'bias', 'running_mean', 'running_var'];
      for (let i = 0; i < 4; i++) out.set(`${name}.${names[i]}`, { shape: weights[i]!.shape, data: (await weights[i]!.data()) as Float32Array });
      out.set(`${name}.num_batches_tracked`, { shape: [], data: Float32Array.of(batchesTracked), dtype: 'I64' });
    } else if (className === 'Dense') {
      const w = tf.tidy(() => tf.transpose(weights[0]!));
      out.set(`${name}.weight`, { shape: w.shape, data: (await w.data()) as Float32Array });
      w.dispose();
      out.set(`${name}.bias`, { shape: weights[1]!.shape, data: (await weights[1]!.data()) as Float32Array });
    }
  }
  return out;
}

/**
 * What the training loop (train.ts) needs from an engine: one optimiser step over a batch of
 * micro-batches, the validation pass, and the network's state for checkpoints and export.
 *   onnxruntime  the training-step graph (onnx-train/), native multithreaded kernels; what the
 *                pipeline uses when onnxruntime loads;
 *   tfjs         TensorFlow.js on model.backend (wasm with this project's kernels, tfjs-node...).
 * Checkpoints have one format (checkpoint.ts): the network in torchvision layout, Adam's moments
 * and the loop state; each engine names its moments its own way, and the engine is part of the
 * stage's configuration, so a checkpoint is only ever resumed by the engine that wrote it.
 */
import { tf } from './backend.ts';
import { Adam, variableFrom } from './adam.ts';
import { bceWithLogits, scoreLogits, softmaxCrossEntropy } from './loss.ts';
import type { ResNet } from './resnet.ts';
import { OnnxResNet } from './onnx-resnet.ts';
import { exportTorchWeights, loadTorchWeights } from './torch-layout.ts';
import { forwardCache } from './inference.ts';
import { OnnxTrainer, type MicroBatch } from './onnx-train/trainer.ts';
import type { NamedTensor } from './safetensors.ts';
import { readBatch } from '../data/batches.ts';
import type { ImageCache } from '../data/image-cache.ts';
import type { TrainConfig } from '../core/config-types.ts';
import type { Device } from '../core/onnx-runtime.ts';

export interface EngineState {
  tensors: Map<string, NamedTensor>;
  /** Adam's moments by the engine's own names, and its step count. */
  moments: Map<string, NamedTensor>;
  adamStep: number;
}

export interface TrainEngine {
  readonly name: 'onnxruntime' | 'tfjs';
  /** One Adam step over the batch; returns its mean loss. */
  trainBatch(micro: MicroBatch[]): Promise<number>;
  validate(cache: ImageCache, batchSize: number): Promise<{ loss: number; accuracy: number }>;
  state(): Promise<EngineState>;
  restore(state: EngineState): void;
  /** Leaves the trained weights in the tfjs network the caller holds. */
  finish(): Promise<void>;
}

function adamOptions(config: TrainConfig) {
  return { learningRate: config.learning_rate, weightDecay: config.weight_decay, decoupled: config.decoupled_weight_decay };
}

/** The network validated in onnxruntime, from its torchvision tensors (inference-mode batch norm). */
async function validateInOnnx(tensors: Map<string, NamedTensor>, classes: number, cache: ImageCache) {
  const onnx = await OnnxResNet.fromTensors(tensors, 'the network in training');
  try {
    const { logits } = await forwardCache({ engine: 'onnxruntime', spec: onnx.spec, run: (x, shape) => onnx.run(x, shape), close: () => onnx.release() }, cache);
    return scoreLogits(logits, cache.index.labels, classes);
  } finally {
    await onnx.release();
  }
}

export async function onnxEngine(net: ResNet, size: number, config: TrainConfig, device: Device = 'cpu'): Promise<TrainEngine> {
  const trainer = await OnnxTrainer.create(await exportTorchWeights(net), net.spec, size, adamOptions(config), { device });
  const prefix = 'onnx.';
  return {
    name: 'onnxruntime',
    trainBatch: (micro) => trainer.trainBatch(micro),
    validate: (cache) => validateInOnnx(trainer.tensors(), net.spec.classes, cache),
    async state() {
      const { m, v, step } = trainer.moments();
      const moments = new Map<string, NamedTensor>();
      const shapes = trainer.tensors();
      for (const [name, data] of m) moments.set(`${prefix}${name}.exp_avg`, { shape: shapes.get(name)!.shape, data });
      for (const [name, data] of v) moments.set(`${prefix}${name}.exp_avg_sq`, { shape: shapes.get(name)!.shape, data });
      return { tensors: withBatchesTracked(trainer.tensors(), trainer.batchesTracked), moments, adamStep: step };
    },
    restore(state) {
      const m = new Map<string, Float32Array>();
      const v = new Map<string, Float32Array>();
      for (const [key, t] of state.moments) {
        const match = /^onnx\.(.+)\.(exp_avg|exp_avg_sq)$/.exec(key);
        if (match) (match[2] === 'exp_avg' ? m : v).set(match[1]!, t.data);
      }
      const tracked = state.tensors.get('bn1.num_batches_tracked')?.data[0] ?? 0;
      trainer.load(state.tensors, { m, v, step: state.adamStep, batchesTracked: Number(tracked) });
    },
    async finish() {
      loadTorchWeights(net, trainer.tensors(), 'the onnxruntime trainer');
      await trainer.release();
    },
  };
}

function withBatchesTracked(tensors: Map<string, NamedTensor>, count: number): Map<string, NamedTensor> {
  const out = new Map(tensors);
  for (const name of tensors.keys()) {
    const bn = /^(.*)\.running_mean$/.exec(name);
    if (bn) out.set(`${bn[1]}.num_batches_tracked`, { shape: [], data: Float32Array.of(count), dtype: 'I64' });
  }
  return out;
}

/** The training loss of a head: BCE with logits on one output, softmax cross-entropy on several. */
function headLoss(logits: tf.Tensor, labels: ArrayLike<number>, classes: number): tf.Scalar {
  return classes === 1 ? bceWithLogits(logits, tf.tensor2d(Float32Array.from(labels), [labels.length, 1])) : softmaxCrossEntropy(logits, tf.tensor1d(Int32Array.from(labels), 'int32'));
}

export function tfjsEngine(net: ResNet, size: number, config: TrainConfig, validationEngine: 'onnxruntime' | 'tfjs' = 'tfjs'): TrainEngine {
  const adam = new Adam(adamOptions(config));
  const trainable = new Map(net.model.trainableWeights.map((w) => [w.originalName, w.read() as tf.Variable]));
  return {
    name: 'tfjs',
    async trainBatch(micro) {
      const total = micro.reduce((s, b) => s + b.count, 0);
      const sums = new Map<string, tf.Tensor>();
      let loss = 0;
      for (const b of micro) {
        const { value, grads } = tf.tidy(() => {
          const x = tf.tensor4d(b.x, [b.count, size, size, 3]);
          return tf.variableGrads(() => {
            const [logits] = net.model.apply(x, { training: true }) as tf.SymbolicTensor[] as unknown as tf.Tensor[];
            return tf.mul(headLoss(logits!, b.y, net.spec.classes), b.count / total) as tf.Scalar;
          }, [...trainable.values()]);
        });
        loss += (await value.data())[0]!;
        value.dispose();
        for (const [name, variable] of trainable) {
          const grad = grads[variable.name];
          if (!grad) continue;
          const previous = sums.get(name);
          sums.set(name, previous ? tf.tidy(() => tf.add(previous, grad)) : grad);
          if (previous) {
            previous.dispose();
            grad.dispose();
          }
        }
      }
      adam.apply(trainable, sums);
      tf.dispose([...sums.values()]);
      return loss;
    },
    async validate(cache, batchSize) {
      if (validationEngine === 'onnxruntime') return validateInOnnx(await exportTorchWeights(net), net.spec.classes, cache);
      const classes = net.spec.classes;
      const logits = new Float32Array(cache.count * classes);
      for (let start = 0; start < cache.count; start += batchSize) {
        const indices = Array.from({ length: Math.min(batchSize, cache.count - start) }, (_, i) => start + i);
        const batch = readBatch(cache, indices);
        const out = tf.tidy(() => (net.model.predict(tf.tensor4d(batch.x, batch.shape)) as tf.Tensor[])[0]!);
        logits.set((await out.data()) as Float32Array, start * classes);
        out.dispose();
      }
      return scoreLogits(logits, cache.index.labels, classes);
    },
    async state() {
      const moments = new Map<string, NamedTensor>();
      for (const [name, t] of adam.m) moments.set(`optimizer.${name}.exp_avg`, { shape: t.shape, data: (await t.data()) as Float32Array });
      for (const [name, t] of adam.v) moments.set(`optimizer.${name}.exp_avg_sq`, { shape: t.shape, data: (await t.data()) as Float32Array });
      return { tensors: await exportTorchWeights(net, adam.step), moments, adamStep: adam.step };
    },
    restore(state) {
      loadTorchWeights(net, state.tensors, 'the checkpoint');
      adam.step = state.adamStep;
      for (const [key, t] of state.moments) {
        const match = /^optimizer\.(.+)\.(exp_avg|exp_avg_sq)$/.exec(key);
        if (!match) continue;
        const target = match[2] === 'exp_avg' ? adam.m : adam.v;
        target.get(match[1]!)?.dispose();
        target.set(match[1]!, variableFrom(tf.tensor(t.data, t.shape)));
      }
    },
    async finish() {
      adam.dispose();
    },
  };
}

/**
 * The training loop, for a single-logit head (binary cross-entropy: sold or not) or a head of
 * N classes (softmax cross-entropy: the demo backbone's garment classes). Per epoch, a seeded shuffle of the training images, augmented
 * micro-batches whose gradients are accumulated up to the configured batch size, one Adam
 * step per batch; then the validation loss, early stopping on it (best weights restored at
 * the end) and an atomic checkpoint. A killed run resumes from its last completed epoch and
 * ends where an uninterrupted run would (same backend).
 */
import { tf } from './backend.ts';
import { Adam } from './adam.ts';
import { bceWithLogits, scoreLogits, softmaxCrossEntropy } from './loss.ts';
import { loadCheckpoint, saveCheckpoint, saveWeights, type LoopState } from './checkpoint.ts';
import type { ResNet } from './resnet.ts';
import { OnnxResNet } from './onnx-resnet.ts';
import { exportTorchWeights } from './torch-layout.ts';
import { forwardCache } from './inference.ts';
import { augmentationRandom, epochOrder, readBatch } from '../data/batches.ts';
import type { ImageCache } from '../data/image-cache.ts';
import type { AugmentConfig, TrainConfig } from '../core/config-types.ts';
import type { Logger } from '../core/effects.ts';

export interface TrainOptions {
  net: ResNet;
  train: ImageCache;
  validation: ImageCache;
  config: TrainConfig;
  augment: AugmentConfig;
  seed: number;
  /** The stage fingerprint: a checkpoint of another run is ignored. */
  run: string;
  checkpointPath: string;
  bestPath: string;
  logger: Logger;
  /** Where the per-epoch validation pass runs (default tfjs, on the training backend). */
  validationEngine?: 'onnxruntime' | 'tfjs';
  /** Test hook: called after each completed epoch (and its checkpoint). */
  afterEpoch?: (state: LoopState) => void | Promise<void>;
}

export interface TrainResult {
  state: LoopState;
  resumedFrom: number;
}

/** Mean loss and accuracy of the network (inference mode) on a cache. */
export async function evaluateLoss(net: ResNet, cache: ImageCache, batchSize: number): Promise<{ loss: number; accuracy: number; logits: Float32Array }> {
  const classes = net.spec.classes;
  const logits = new Float32Array(cache.count * classes);
  for (let start = 0; start < cache.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, cache.count - start) }, (_, i) => start + i);
    const batch = readBatch(cache, indices);
    const out = tf.tidy(() => (net.model.predict(tf.tensor4d(batch.x, batch.shape)) as tf.Tensor[])[0]!);
    logits.set((await out.data()) as Float32Array, start * classes);
    out.dispose();
  }
  return { ...scoreLogits(logits, cache.index.labels, classes), logits };
}

/**
 * The validation pass in onnxruntime: this epoch's weights, exported as torchvision tensors,
 * as an ONNX graph (about 10x the wasm backend's forward speed; equal to it within float error).
 */
async function onnxValidation(net: ResNet, cache: ImageCache): Promise<{ loss: number; accuracy: number; logits: Float32Array }> {
  const onnx = await OnnxResNet.fromTensors(await exportTorchWeights(net), 'the network in training');
  try {
    const { logits } = await forwardCache({ engine: 'onnxruntime', spec: onnx.spec, run: (x, shape) => onnx.run(x, shape), close: () => onnx.release() }, cache);
    return { ...scoreLogits(logits, cache.index.labels, net.spec.classes), logits };
  } finally {
    await onnx.release();
  }
}

/** The training loss of a head: BCE with logits on one output, softmax cross-entropy on several. */
function headLoss(logits: tf.Tensor, labels: Float32Array, classes: number): tf.Scalar {
  return classes === 1 ? bceWithLogits(logits, tf.tensor2d(labels, [labels.length, 1])) : softmaxCrossEntropy(logits, tf.tensor1d(labels, 'int32'));
}

export async function trainNetwork(options: TrainOptions): Promise<TrainResult> {
  const { net, config, logger } = options;
  const adam = new Adam({ learningRate: config.learning_rate, weightDecay: config.weight_decay, decoupled: config.decoupled_weight_decay });
  const trainable = new Map(net.model.trainableWeights.map((w) => [w.originalName, w.read() as tf.Variable]));
  const fresh: LoopState = { epoch: 0, step: 0, history: [], best_val_loss: null, best_epoch: 0, epochs_without_improvement: 0, stopped_early: false, run: options.run };
  const resumed = await loadCheckpoint(options.checkpointPath, net, adam, options.run);
  const state = resumed ?? fresh;
  const resumedFrom = resumed?.epoch ?? 0;
  if (resumed) logger.info(`  resuming after epoch ${resumed.epoch} (checkpoint ${options.checkpointPath})`);
  const perEpoch = config.max_train_images > 0 ? Math.min(config.max_train_images, options.train.count) : options.train.count;
  const micro = Math.min(config.micro_batch, config.batch_size);

  while (state.epoch < config.epochs && !state.stopped_early) {
    const epoch = state.epoch + 1;
    const order = epochOrder(options.train.count, options.seed, epoch).slice(0, perEpoch);
    const random = augmentationRandom(options.seed, epoch);
    const progress = logger.progress(`epoch ${epoch}/${config.epochs}`, perEpoch);
    let lossSum = 0;
    for (let start = 0; start < order.length; start += config.batch_size) {
      const batchIndices = order.slice(start, start + config.batch_size);
      const sums = new Map<string, tf.Tensor>();
      for (let m = 0; m < batchIndices.length; m += micro) {
        const indices = batchIndices.slice(m, m + micro);
        const batch = readBatch(options.train, indices, { config: options.augment, random });
        const weight = indices.length / batchIndices.length;
        const { value, grads } = tf.tidy(() => {
          const x = tf.tensor4d(batch.x, batch.shape);
          return tf.variableGrads(() => {
            const [logits] = net.model.apply(x, { training: true }) as tf.SymbolicTensor[] as unknown as tf.Tensor[];
            return tf.mul(headLoss(logits!, batch.y, net.spec.classes), weight) as tf.Scalar;
          }, [...trainable.values()]);
        });
        lossSum += (await value.data())[0]! * batchIndices.length;
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
        progress.tick(indices.length, `loss ${(lossSum / Math.max(1, start + m + indices.length)).toFixed(4)}`);
      }
      adam.apply(trainable, sums);
      tf.dispose([...sums.values()]);
      state.step++;
    }
    progress.done();
    const validation = options.validationEngine === 'onnxruntime' ? await onnxValidation(net, options.validation) : await evaluateLoss(net, options.validation, Math.max(micro, 32));
    state.epoch = epoch;
    state.history.push({ epoch, train_loss: lossSum / order.length, val_loss: validation.loss, val_accuracy: validation.accuracy });
    if (state.best_val_loss === null || validation.loss < state.best_val_loss) {
      state.best_val_loss = validation.loss;
      state.best_epoch = epoch;
      state.epochs_without_improvement = 0;
      await saveWeights(options.bestPath, net, state.step, { run: options.run, epoch: String(epoch) });
    } else {
      state.epochs_without_improvement++;
      if (state.epochs_without_improvement >= config.patience) state.stopped_early = true;
    }
    logger.info(`  epoch ${epoch}: train loss ${(lossSum / order.length).toFixed(4)}, validation loss ${validation.loss.toFixed(4)}, accuracy ${(validation.accuracy * 100).toFixed(1)}%${state.best_epoch === epoch ? ' (best)' : ''}${state.stopped_early ? `; no improvement for ${config.patience} epochs: stopping` : ''}`);
    await saveCheckpoint(options.checkpointPath, net, adam, state);
    await options.afterEpoch?.(state);
  }
  adam.dispose();
  return { state, resumedFrom };
}

/**
 * The training loop, for a single-logit head (binary cross-entropy: sold or not) or a head of
 * N classes (softmax cross-entropy: the demo backbone's garment classes), on either engine
 * (train-engine.ts). Per epoch, a seeded shuffle of the training images, augmented
 * micro-batches whose gradients are accumulated up to the configured batch size, one Adam
 * step per batch; then the validation loss, early stopping on it (best weights restored at
 * the end) and an atomic checkpoint. A killed run resumes from its last completed epoch and
 * ends where an uninterrupted run would (same engine and backend).
 */
import { loadCheckpoint, saveCheckpoint, saveWeights, type LoopState } from './checkpoint.ts';
import type { ResNet } from './resnet.ts';
import { onnxEngine, tfjsEngine, type TrainEngine } from './train-engine.ts';
import { augmentationRandom, epochOrder, readBatch } from '../data/batches.ts';
import type { ImageCache } from '../data/image-cache.ts';
import type { AugmentConfig, TrainConfig } from '../core/config-types.ts';
import type { Logger } from '../core/effects.ts';
import type { Device } from '../core/onnx-runtime.ts';

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
  /** What trains: the onnxruntime training graph, or TensorFlow.js on the current backend (default). */
  engine?: 'onnxruntime' | 'tfjs';
  /** The onnxruntime engine's execution provider. */
  device?: Device;
  /** Test hook: called after each completed epoch (and its checkpoint). */
  afterEpoch?: (state: LoopState) => void | Promise<void>;
}

export interface TrainResult {
  state: LoopState;
  resumedFrom: number;
}

export async function trainNetwork(options: TrainOptions): Promise<TrainResult> {
  const { net, config, logger } = options;
  const size = options.train.index.size;
  const engine: TrainEngine = options.engine === 'onnxruntime' ? await onnxEngine(net, size, config, options.device) : tfjsEngine(net, size, config, options.validationEngine);
  const fresh: LoopState = { epoch: 0, step: 0, history: [], best_val_loss: null, best_epoch: 0, epochs_without_improvement: 0, stopped_early: false, run: options.run };
  const resumed = await loadCheckpoint(options.checkpointPath, engine, options.run);
  const state = resumed ?? fresh;
  const resumedFrom = resumed?.epoch ?? 0;
  if (resumed) logger.info(`  resuming after epoch ${resumed.epoch} (checkpoint ${options.checkpointPath})`);
  const perEpoch = config.max_train_images > 0 ? Math.min(config.max_train_images, options.train.count) : options.train.count;
  const micro = Math.min(config.micro_batch, config.batch_size);

  try {
    while (state.epoch < config.epochs && !state.stopped_early) {
      const epoch = state.epoch + 1;
      const order = epochOrder(options.train.count, options.seed, epoch).slice(0, perEpoch);
      const random = augmentationRandom(options.seed, epoch);
      const progress = logger.progress(`epoch ${epoch}/${config.epochs}`, perEpoch);
      let lossSum = 0;
      for (let start = 0; start < order.length; start += config.batch_size) {
        const batchIndices = order.slice(start, start + config.batch_size);
        const parts = [];
        for (let m = 0; m < batchIndices.length; m += micro) {
          const indices = batchIndices.slice(m, m + micro);
          const batch = readBatch(options.train, indices, { config: options.augment, random });
          parts.push({ x: batch.x, y: batch.y, count: indices.length });
        }
        lossSum += (await engine.trainBatch(parts)) * batchIndices.length;
        state.step++;
        progress.tick(batchIndices.length, `loss ${(lossSum / Math.max(1, start + batchIndices.length)).toFixed(4)}`);
      }
      progress.done();
      const validation = await engine.validate(options.validation, Math.max(micro, 32));
      state.epoch = epoch;
      state.history.push({ epoch, train_loss: lossSum / order.length, val_loss: validation.loss, val_accuracy: validation.accuracy });
      // One snapshot of the network and optimizer serves the best weights and the checkpoint.
      const snapshot = await engine.state();
      if (state.best_val_loss === null || validation.loss < state.best_val_loss) {
        state.best_val_loss = validation.loss;
        state.best_epoch = epoch;
        state.epochs_without_improvement = 0;
        await saveWeights(options.bestPath, snapshot.tensors, { run: options.run, epoch: String(epoch) });
      } else {
        state.epochs_without_improvement++;
        if (state.epochs_without_improvement >= config.patience) state.stopped_early = true;
      }
      logger.info(`  epoch ${epoch}: train loss ${(lossSum / order.length).toFixed(4)}, validation loss ${validation.loss.toFixed(4)}, accuracy ${(validation.accuracy * 100).toFixed(1)}%${state.best_epoch === epoch ? ' (best)' : ''}${state.stopped_early ? `; no improvement for ${config.patience} epochs: stopping` : ''}`);
      await saveCheckpoint(options.checkpointPath, snapshot, state);
      await options.afterEpoch?.(state);
    }
  } finally {
    await engine.finish();
  }
  return { state, resumedFrom };
}

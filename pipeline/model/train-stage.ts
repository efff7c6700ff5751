/**
 * `train`: fine-tunes the network on the preprocessed training images and writes the best
 * epoch's weights (`<cache>/train/model.safetensors`, torchvision layout: PyTorch loads it)
 * and `_data/train.json` (loss history, early stopping, where the weights came from).
 * Working files (checkpoint, best weights) live in `<cache>/train/work/` so that a killed
 * run resumes; they are removed once the stage completes.
 */
import { join } from 'node:path';
import { open, rm } from 'node:fs/promises';
import type { StageDefinition } from '../stage-types.ts';
import { stageFile } from '../stage-files.ts';
import type { TrainData } from '../contracts.ts';
import { ImageCache } from '../data/image-cache.ts';
import { initBackend, tf } from './backend.ts';
import { startingNetwork, startingWeightsFiles } from './weights.ts';
import { trainNetwork } from './train.ts';
import { chooseEngine, chooseTraining } from './inference.ts';
import { readSafetensors, serializeSafetensors } from './safetensors.ts';
import { exportTorchWeights, loadTorchWeights } from './torch-layout.ts';


export const trainStage: StageDefinition = {
  name: 'train',
  doc: { reads: 'the image caches, the starting weights', writes: '`.cache/train/model.safetensors` (torchvision layout), `_data/train.json` (loss history, early stopping, weights origin)' },
  version: 6,
  after: ['preprocess'],
  config: (c) => ({ seed: c.seed, model: c.model, train: c.train, augment: c.augment }),
  // The starting weights by content: a changed file, or ImageNet weights that have appeared in a
  // cache since an offline build fell back to random initialisation, train again.
  inputs: (loaded) => startingWeightsFiles(loaded.config.model.weights, loaded.base, loaded.resolved.cache),
  afterCommit: (loaded) => rm(join(loaded.resolved.cache, 'train', 'work'), { recursive: true, force: true }),
  async run(ctx) {
    const { config, loaded } = ctx;
    // What trains, and on which device, is decided first, so that what is recorded is what ran.
    const training = await chooseTraining(config.model, ctx.logger);
    // TensorFlow.js builds the network and holds its weights on either engine: the onnxruntime
    // trainer starts from them and hands the trained ones back.
    const backend = await initBackend(config.model.backend);
    const validationEngine = training.engine === 'onnxruntime' ? 'onnxruntime' : await chooseEngine(config.model, ctx.logger);
    ctx.notes.backend = backend;
    ctx.notes.training = { engine: training.engine, device: training.device, backend: training.engine === 'tfjs' ? backend : null, fallback: training.fallback };
    ctx.notes.engine = training.engine === 'onnxruntime' ? `onnxruntime (${training.device})` : `tfjs (${backend})`;
    // The per-epoch validation pass: in onnxruntime whenever it trains (train-engine.ts).
    ctx.notes.validation_inference = validationEngine === 'onnxruntime' ? 'onnxruntime' : backend;
    const work = join(loaded.resolved.cache, 'train', 'work');
    const { net, origin } = await startingNetwork({
      weights: config.model.weights,
      blocks: config.model.blocks,
      widthPerGroup: config.model.width_per_group,
      seed: config.seed,
      cacheDir: loaded.resolved.cache,
      root: loaded.base,
      logger: ctx.logger,
    });
    ctx.notes.weights = { requested: origin.requested, used: origin.used, fallback: origin.fallback ?? null };
    // The starting weights as their file counts them, own head included (its card's count).
    ctx.notes.starting_weights = origin.path ? await weightsFileSize(origin.path) : null;
    const train = await ImageCache.at(ctx.path('images:train'));
    const validation = await ImageCache.at(ctx.path('images:validation'));
    const bestPath = join(work, 'best.safetensors');
    try {
      const parameters = net.model.countParams();
      const where = training.engine === 'onnxruntime' ? `onnxruntime on ${training.device === 'cpu' ? 'the CPU' : `the GPU (${training.device})`}, the network held in TensorFlow.js (${backend} backend)` : `TensorFlow.js (${backend} backend)`;
      ctx.logger.info(`  training in ${where}; ResNet blocks [${net.spec.blocks.join(', ')}], ${(parameters / 1e6).toFixed(1)}M parameters, ${origin.used === 'random' ? 'random initialisation' : `weights from ${origin.path}`}`);
      const started = performance.now();
      const { state, resumedFrom } = await trainNetwork({
        net, train, validation, config: config.train, augment: config.augment, seed: config.seed,
        run: ctx.fingerprint, checkpointPath: join(work, 'checkpoint.safetensors'), bestPath, logger: ctx.logger,
        validationEngine,
        engine: training.engine,
        device: training.device ?? 'cpu',
      });
      const epochsRun = state.epoch - resumedFrom;
      ctx.notes.resumed_from_epoch = resumedFrom;
      ctx.notes.train_images_per_second = epochsRun > 0 ? (epochsRun * Math.min(train.count, config.train.max_train_images || train.count)) / ((performance.now() - started) / 1000) : null;
      // Early stopping restores the best epoch's weights.
      const best = await readSafetensors(bestPath);
      loadTorchWeights(net, best.tensors, bestPath);
      const weights = await exportTorchWeights(net, state.step);
      await ctx.writeFile(stageFile('model', loaded.resolved), serializeSafetensors(weights, { format: 'pt', run: ctx.fingerprint, best_epoch: String(state.best_epoch), image_size: String(train.index.size) }));
      const data: TrainData = {
        weights: { requested: origin.requested, used: origin.used, fallback: origin.fallback ?? null, description: origin.description ?? null, card: origin.card ?? null },
        network: { blocks: net.spec.blocks, widths: net.spec.widths, out_channels: net.spec.outChannels, parameters },
        image_size: train.index.size,
        train_images: train.count,
        validation_images: validation.count,
        settings: config.train,
        augment: config.augment,
        history: state.history,
        epochs_run: state.epoch,
        best_epoch: state.best_epoch,
        best_val_loss: state.best_val_loss ?? Number.NaN,
        stopped_early: state.stopped_early,
      };
      await ctx.writeData('train', data);
    } finally {
      train.close();
      validation.close();
      net.model.dispose();
      tf.disposeVariables();
    }
  },
};

/**
 * A torchvision-layout weights file's size from its header alone: the numbers it holds (batch
 * norm's running statistics included, as the network's count is) and its head's outputs.
 */
async function weightsFileSize(path: string): Promise<{ parameters: number; outputs: number | null }> {
  const file = await open(path);
  try {
    const length = Buffer.alloc(8);
    await file.read(length, 0, 8, 0);
    const header = Buffer.alloc(Number(length.readBigUInt64LE(0)));
    await file.read(header, 0, header.length, 8);
    const tensors = Object.entries(JSON.parse(header.toString('utf8')) as Record<string, { shape?: number[] }>)
      .filter(([name]) => name !== '__metadata__' && !name.endsWith('num_batches_tracked'));
    const parameters = tensors.reduce((sum, [, t]) => sum + (t.shape ?? []).reduce((a, b) => a * b, 1), 0);
    const head = tensors.find(([name]) => name === 'fc.weight')?.[1].shape;
    return { parameters, outputs: head?.[0] ?? null };
  } finally {
    await file.close();
  }
}

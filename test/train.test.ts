/**
 * Training at a tiny size (32 px, a narrow network, tens of photos, two epochs): PyTorch-exact
 * Adam and loss, gradient accumulation, early stopping, and resume after a crash ending
 * exactly where an uninterrupted run ends.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, tf } from '../pipeline/model/backend.ts';
import { Adam } from '../pipeline/model/adam.ts';
import { bceWithLogits, bceWithLogitsValue, softmaxCrossEntropy, softmaxCrossEntropyValue } from '../pipeline/model/loss.ts';
import { buildResNet } from '../pipeline/model/resnet.ts';
import { specFromConfig } from '../pipeline/model/weights.ts';
import { trainNetwork } from '../pipeline/model/train.ts';
import { exportTorchWeights } from '../pipeline/model/torch-layout.ts';
import { ImageCache, imageCachePaths } from '../pipeline/data/image-cache.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { defaultConfig } from '../pipeline/core/config.ts';
import { tinyCaches } from './helpers/tiny-caches.ts';
import { makeTempDir } from './helpers/project.ts';
import { assertArrayClose } from './helpers/tolerance.ts';

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/torch-reference.json', import.meta.url), 'utf8'));

before(async () => {
  await initBackend('wasm');
});

test('Adam (coupled) and AdamW (decoupled) match PyTorch over three steps', () => {
  for (const [name, decoupled] of [['adam', false], ['adamw', true]] as const) {
    const w = tf.variable(tf.tensor1d([0.5, -1.5, 2.0, 0.0]));
    const adam = new Adam({ learningRate: 0.01, weightDecay: 0.1, decoupled });
    for (const g of [[0.1, -0.2, 0.3, 0.0], [0.5, 0.5, -0.5, 1.0], [-0.05, 0.0, 0.2, -3.0]]) {
      const grad = tf.tensor1d(g);
      adam.apply(new Map([['w', w]]), new Map([['w', grad]]));
      grad.dispose();
    }
    assertArrayClose(w.dataSync(), reference[name], name, 1e-6, 1e-7);
    adam.dispose();
    w.dispose();
  }
});

test('binary cross-entropy with logits matches PyTorch, stable at large logits', async () => {
  const { logits, labels, loss } = reference.bce;
  const value = bceWithLogits(tf.tensor1d(logits), tf.tensor1d(labels));
  assert.ok(Math.abs((await value.data())[0]! - loss) < 1e-5);
  assert.ok(Math.abs(bceWithLogitsValue(logits, labels) - loss) < 1e-5); // PyTorch computed in float32
  value.dispose();
});

test('softmax cross-entropy and its gradient match PyTorch CrossEntropyLoss, stable at large logits', async () => {
  const ce = JSON.parse(await readFile(new URL('./fixtures/reference/cross-entropy-reference.json', import.meta.url), 'utf8'));
  const logits = tf.tensor2d(ce.logits);
  const labels = tf.tensor1d(ce.labels, 'int32');
  const z = tf.variable(logits, true, 'ce-logits');
  const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(z, labels), [z]);
  assert.ok(Math.abs((await value.data())[0]! - ce.loss) < 1e-5, `${(await value.data())[0]} vs ${ce.loss}`);
  assertArrayClose(await grads['ce-logits']!.data(), ce.grad.flat(), 'gradient', 1e-5, 1e-6);
  assert.ok(Math.abs(softmaxCrossEntropyValue(ce.logits.flat(), ce.labels, 4) - ce.loss) < 1e-5);
  tf.dispose([logits, labels, value, z, ...Object.values(grads)]);
});

const tinySpec = specFromConfig([1, 1, 1, 1], 4);

async function run(caches: Awaited<ReturnType<typeof tinyCaches>>, dir: string, options: { epochs: number; crashAfter?: number; patience?: number; classes?: number }) {
  const config = await defaultConfig();
  const net = buildResNet({ ...tinySpec, classes: options.classes ?? 1 }, 3);
  try {
    const result = await trainNetwork({
      net,
      train: caches.train,
      validation: caches.validation,
      config: { ...config.train, epochs: options.epochs, patience: options.patience ?? 10, batch_size: 8, micro_batch: 4, learning_rate: 0.001 },
      augment: config.augment,
      seed: 0,
      run: 'test-run',
      checkpointPath: join(dir, 'checkpoint.safetensors'),
      bestPath: join(dir, 'best.safetensors'),
      logger: createRecordingLogger(),
      afterEpoch: (state) => {
        if (state.epoch === options.crashAfter) throw new Error('simulated crash');
      },
    });
    const weights = await exportTorchWeights(net);
    return { result, weights };
  } finally {
    net.model.dispose();
  }
}

test('a run killed after an epoch resumes and ends exactly as an uninterrupted run', { timeout: 300_000 }, async () => {
  const caches = await tinyCaches();
  const tensorsBefore = tf.memory().numTensors;
  const straight = await run(caches, await makeTempDir(), { epochs: 2 });
  assert.equal(straight.result.state.history.length, 2);
  assert.equal(straight.result.resumedFrom, 0);
  assert.equal(tf.memory().numTensors, tensorsBefore, 'training leaks no tensor');

  const dir = await makeTempDir();
  await assert.rejects(run(caches, dir, { epochs: 2, crashAfter: 1 }), /simulated crash/);
  const resumed = await run(caches, dir, { epochs: 2 });
  assert.equal(resumed.result.resumedFrom, 1);
  assert.deepEqual(resumed.result.state.history, straight.result.state.history);
  for (const [name, t] of straight.weights) assert.deepEqual(resumed.weights.get(name)!.data, t.data, name);
  // The training images were really used: the loss is finite and the weights moved.
  assert.ok(straight.result.state.history.every((h) => Number.isFinite(h.train_loss) && Number.isFinite(h.val_loss)));
  caches.train.close();
  caches.validation.close();
});

test('early stopping stops after `patience` epochs without a better validation loss', { timeout: 300_000 }, async () => {
  const caches = await tinyCaches();
  const { result } = await run(caches, await makeTempDir(), { epochs: 6, patience: 1 });
  const { history, best_epoch, stopped_early } = result.state;
  const best = Math.min(...history.map((h) => h.val_loss));
  assert.equal(history[best_epoch - 1]!.val_loss, best);
  if (stopped_early) assert.equal(history.length, best_epoch + 1);
  else assert.equal(history.length, 6);
  caches.train.close();
  caches.validation.close();
});

test('a head of N classes trains with softmax cross-entropy, resumes exactly, and is exported with its head', { timeout: 300_000 }, async () => {
  const caches = await tinyCaches();
  // Three made-up classes in place of sold / not sold.
  const relabel = (cache: ImageCache, side: 'train' | 'validation') =>
    new ImageCache({ ...cache.index, labels: cache.index.labels.map((_, i) => i % 3) }, imageCachePaths(caches.loaded.resolved.cache, side).pixels);
  const three = { loaded: caches.loaded, train: relabel(caches.train, 'train'), validation: relabel(caches.validation, 'validation') };
  const straight = await run(three, await makeTempDir(), { epochs: 2, classes: 3 });
  assert.equal(straight.weights.get('fc.weight')!.shape[0], 3);
  assert.ok(straight.result.state.history.every((h) => Number.isFinite(h.val_loss) && h.val_loss > 0 && h.val_accuracy >= 0 && h.val_accuracy <= 1));
  // Chance for three classes is about ln 3 = 1.10: the loss is cross-entropy, not BCE.
  assert.ok(Math.abs(straight.result.state.history[0]!.val_loss - Math.log(3)) < 0.6, `${straight.result.state.history[0]!.val_loss}`);
  const dir = await makeTempDir();
  await assert.rejects(run(three, dir, { epochs: 2, crashAfter: 1, classes: 3 }), /simulated crash/);
  const resumed = await run(three, dir, { epochs: 2, classes: 3 });
  assert.deepEqual(resumed.result.state.history, straight.result.state.history);
  for (const [name, t] of straight.weights) assert.deepEqual(resumed.weights.get(name)!.data, t.data, name);
  for (const c of [caches.train, caches.validation, three.train, three.validation]) c.close();
});

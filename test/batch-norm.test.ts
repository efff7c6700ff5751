/**
 * TorchBatchNorm (closed-form gradient, average-pool reductions) against tfjs's own
 * batchNormalization layer and against differentiating the formula, on wasm and cpu.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../pipeline/model/backend.ts';
import { TorchBatchNorm, channelMean } from '../pipeline/model/batch-norm-layer.ts';
import { createRandom } from '../pipeline/core/random.ts';

before(async () => {
  await initBackend('wasm');
});

function randomTensor(shape: number[], seed: number, shift = 0): tf.Tensor {
  const random = createRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => random() * 4 - 2 + shift), shape);
}

async function assertClose(got: tf.Tensor, want: tf.Tensor, label: string, tolerance = 1e-5): Promise<void> {
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  const a = (await got.data()) as Float32Array;
  const b = (await want.data()) as Float32Array;
  let max = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  assert.ok(max <= tolerance * Math.max(1, scale), `${label}: max difference ${max} (scale ${scale})`);
}

const SHAPES: [number, number, number, number][] = [[2, 5, 4, 3], [3, 7, 6, 8], [1, 1, 1, 4], [4, 2, 9, 5]];

function layers(channels: number, shape: number[]) {
  const ours = new TorchBatchNorm({ name: 'ours', momentum: 0.9, epsilon: 1e-5 });
  const theirs = tf.layers.batchNormalization({ name: 'theirs', momentum: 0.9, epsilon: 1e-5 });
  ours.build(shape);
  theirs.build(shape);
  const weights = [randomTensor([channels], 11, 1), randomTensor([channels], 12), randomTensor([channels], 13), tf.abs(randomTensor([channels], 14, 1))];
  ours.setWeights(weights);
  theirs.setWeights(weights);
  tf.dispose(weights);
  return { ours, theirs };
}

test('channelMean is the mean over batch, rows and columns', async () => {
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    for (const [i, shape] of SHAPES.entries()) {
      const x = randomTensor(shape, i, 0.5) as tf.Tensor4D;
      await assertClose(channelMean(x), tf.mean(x, [0, 1, 2]), `${backend} ${shape}`);
    }
  }
  await tf.setBackend('wasm');
});

test('training and inference outputs and the running statistics equal tfjs batchNormalization', async () => {
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    for (const [i, shape] of SHAPES.entries()) {
      const { ours, theirs } = layers(shape[3], shape);
      const x = randomTensor(shape, 20 + i, 0.3);
      for (const training of [true, false]) {
        const got = ours.apply(x, { training }) as tf.Tensor;
        const want = theirs.apply(x, { training }) as tf.Tensor;
        await assertClose(got, want, `${backend} ${shape} training=${training}`);
        tf.dispose([got, want]);
      }
      // one training call moved the running mean and variance the same way
      const [, , mean, variance] = ours.getWeights();
      const [, , theirMean, theirVariance] = theirs.getWeights();
      await assertClose(mean!, theirMean!, `${backend} ${shape} running mean`);
      await assertClose(variance!, theirVariance!, `${backend} ${shape} running variance`);
      tf.dispose(x);
    }
  }
  await tf.setBackend('wasm');
});

test('the closed-form gradient equals differentiating the batch-statistics formula', async () => {
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    for (const [i, shape] of SHAPES.filter((s) => s[0] * s[1] * s[2] > 1).entries()) {
      const { ours } = layers(shape[3], shape);
      const x = randomTensor(shape, 40 + i, -0.7);
      const upstream = randomTensor(shape, 50 + i);
      const [gamma, beta] = ours.trainableWeights.map((w) => w.read() as tf.Variable);
      const formula = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b), upstream));
      };
      const want = tf.grads(formula)([x, gamma!, beta!]);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(ours.apply(x, { training: true }) as tf.Tensor, upstream)) as tf.Scalar, ours.trainableWeights.map((w) => w.read() as tf.Variable));
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(ours.apply(a, { training: true }) as tf.Tensor, upstream)))(x);
      await assertClose(dx, want[0]!, `${backend} ${shape} dx`, 2e-5);
      await assertClose(grads[gamma!.name]!, want[1]!, `${backend} ${shape} dgamma`);
      await assertClose(grads[beta!.name]!, want[2]!, `${backend} ${shape} dbeta`);
      tf.dispose([x, upstream, value, dx, ...want, ...Object.values(grads)]);
    }
  }
  await tf.setBackend('wasm');
});

test('no tensor outlives a training step', async () => {
  const shape: [number, number, number, number] = [2, 4, 4, 3];
  const { ours } = layers(3, shape);
  const x = randomTensor(shape, 60);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(ours.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, ours.trainableWeights.map((w) => w.read() as tf.Variable));
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const before = tf.memory().numTensors;
  step();
  step();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});

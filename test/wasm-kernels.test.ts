/**
 * The gradient kernels registered for wasm against the cpu backend's, on many shapes.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../pipeline/model/backend.ts';
import { createRandom } from '../pipeline/core/random.ts';

before(async () => {
  await initBackend('wasm');
});

function randomArray(size: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: size }, () => random() * 2 - 1);
}

async function onBackend<T>(name: string, fn: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(name);
  const out = tf.tidy(fn);
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

function assertClose(a: Float32Array, b: Float32Array, label: string): void {
  assert.equal(a.length, b.length, `${label}: length`);
  let max = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  assert.ok(max <= 1e-5 * scale + 1e-5, `${label}: max difference ${max} (scale ${scale})`);
}

type Pad = 'same' | 'valid' | number;
const cases: { n: number; h: number; w: number; ci: number; co: number; k: number; s: number; pad: Pad }[] = [];
for (const k of [1, 3, 7]) for (const s of [1, 2]) for (const pad of ['same', 'valid', Math.floor(k / 2)] as Pad[]) {
  cases.push({ n: 2, h: 9 + k, w: 8 + s, ci: 3, co: 4, k, s, pad });
}
cases.push({ n: 3, h: 15, w: 15, ci: 5, co: 6, k: 3, s: 2, pad: 1 }, { n: 1, h: 6, w: 10, ci: 8, co: 2, k: 1, s: 2, pad: 'valid' }, { n: 2, h: 7, w: 9, ci: 4, co: 3, k: 1, s: 2, pad: 0 });
// Deep-layer shapes (filter larger than dy and dx): the input gradient flips dy instead.
cases.push(
  { n: 2, h: 3, w: 3, ci: 32, co: 32, k: 3, s: 1, pad: 1 },
  { n: 2, h: 6, w: 5, ci: 24, co: 40, k: 3, s: 2, pad: 1 },
  { n: 1, h: 7, w: 6, ci: 20, co: 30, k: 3, s: 2, pad: 'same' },
  { n: 1, h: 8, w: 8, ci: 16, co: 24, k: 3, s: 1, pad: 'valid' },
  { n: 1, h: 9, w: 9, ci: 8, co: 8, k: 7, s: 2, pad: 3 },
);

test(`Conv2DBackpropFilter on wasm equals the cpu backend on ${cases.length} shapes`, async () => {
  for (const [i, c] of cases.entries()) {
    const x = randomArray(c.n * c.h * c.w * c.ci, i);
    const conv = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [c.k, c.k, c.ci, c.co], c.s, 1, c.pad);
    const dy = randomArray(c.n * conv.outHeight * conv.outWidth * c.co, 100 + i);
    const run = () =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.tensor4d(x, [c.n, c.h, c.w, c.ci]), dy: tf.tensor4d(dy, [c.n, conv.outHeight, conv.outWidth, c.co]) }, {
        strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.k, c.k, c.ci, c.co],
      } as never) as tf.Tensor;
    assertClose(await onBackend('wasm', run), await onBackend('cpu', run), `filter ${JSON.stringify(c)}`);
  }
});

test(`Conv2DBackpropInput on wasm equals the cpu backend on ${cases.length} shapes`, async () => {
  for (const [i, c] of cases.entries()) {
    const conv = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [c.k, c.k, c.ci, c.co], c.s, 1, c.pad);
    const dy = randomArray(c.n * conv.outHeight * conv.outWidth * c.co, 200 + i);
    const filter = randomArray(c.k * c.k * c.ci * c.co, 300 + i);
    const run = () => tf.conv2dTranspose(tf.tensor4d(dy, [c.n, conv.outHeight, conv.outWidth, c.co]), tf.tensor4d(filter, [c.k, c.k, c.ci, c.co]), [c.n, c.h, c.w, c.ci], c.s, c.pad);
    assertClose(await onBackend('wasm', run), await onBackend('cpu', run), `input ${JSON.stringify(c)}`);
  }
});

test('the whole conv gradient (tf.grads) matches, and no tensor leaks', async () => {
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const x = randomArray(2 * 11 * 13 * 3, 1);
  const f = randomArray(3 * 3 * 3 * 5, 2);
  const grads = async () => {
    const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 1))))([tf.tensor4d(x, [2, 11, 13, 3]), tf.tensor4d(f, [3, 3, 3, 5])]);
    const out = [(await dx!.data()) as Float32Array, (await df!.data()) as Float32Array];
    tf.dispose([dx!, df!]);
    return out;
  };
  const wasm = await grads();
  await tf.setBackend('cpu');
  const cpu = await grads();
  assertClose(wasm[0]!, cpu[0]!, 'dx');
  assertClose(wasm[1]!, cpu[1]!, 'dfilter');
  await tf.setBackend('wasm');
  assert.ok(tf.memory().numTensors <= before + 4, `tensors before ${before}, after ${tf.memory().numTensors}`);
});

test('the broadcasting batchnorm gradient equals differentiating the formula itself', async () => {
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    const x = tf.tensor4d(randomArray(2 * 5 * 4 * 3, 7), [2, 5, 4, 3]);
    const mean = tf.tensor1d([0.1, -0.2, 0.3]);
    const variance = tf.tensor1d([0.5, 1.5, 2.0]);
    const scale = tf.tensor1d([1.2, 0.8, -0.5]);
    const offset = tf.tensor1d([0.0, 0.1, 0.2]);
    const weights = tf.tensor4d(randomArray(2 * 5 * 4 * 3, 8), [2, 5, 4, 3]);
    const fused = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => tf.sum(tf.mul(tf.batchNorm(a, m, v, o, s, 1e-5), weights)));
    const plain = tf.grads((a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
      tf.sum(tf.mul(tf.add(tf.mul(tf.mul(tf.sub(a, m), tf.rsqrt(tf.add(v, 1e-5))), s), o), weights)));
    const got = fused([x, mean, variance, scale, offset]);
    const want = plain([x, mean, variance, scale, offset]);
    for (let i = 0; i < 5; i++) assertClose((await got[i]!.data()) as Float32Array, (await want[i]!.data()) as Float32Array, `${backend} input ${i}`);
    tf.dispose([x, mean, variance, scale, offset, weights, ...got, ...want]);
  }
  await tf.setBackend('wasm');
});

test('Identity shares memory on wasm: a clone outlives its source, and the memory is freed with the last', async () => {
  await tf.setBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const ids = backend.numDataIds();
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  assert.equal(backend.numDataIds(), ids + 1, 'one buffer for both');
  x.dispose();
  assert.deepEqual([...(await y.data())], [1, 2, 3]);
  y.dispose();
  assert.equal(backend.numDataIds(), ids);
  // a gradient that saves its input (Square saves x) leaves nothing behind
  const before = tf.memory().numTensors;
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.square(a)))(tf.tensor1d([1, -2]));
  assert.deepEqual([...(await g.data())], [2, -4]);
  g.dispose();
  assert.equal(tf.memory().numTensors, before + 1, 'only the input tensor remains');
});

test('a dilated convolution gradient is not computed as an undilated one on wasm', async () => {
  const { isDilated } = await import('../pipeline/model/wasm-kernels.ts');
  assert.equal(isDilated({ dilations: [1, 1] }), false);
  assert.equal(isDilated({}), false);
  assert.equal(isDilated({ dilations: [2, 2] }), true);
  assert.equal(isDilated({ dilations: 2 }), true);
  await tf.setBackend('wasm');
  const x = tf.tensor4d(randomArray(1 * 6 * 6 * 2, 1), [1, 6, 6, 2]);
  const dy = tf.tensor4d(randomArray(1 * 2 * 2 * 3, 2), [1, 2, 2, 3]);
  // wasm ships no filter gradient to defer to: a clear error, not a wrong answer.
  assert.throws(() => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [2, 2], filterShape: [3, 3, 2, 3] } as never), /dilations \[2,2\] is not supported on the wasm backend/);
  tf.dispose([x, dy]);
});

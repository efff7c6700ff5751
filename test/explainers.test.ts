/**
 * The explanation methods: each explainer's channel weights and maps equal pytorch-grad-cam's
 * formulas (scripts/reference/gradcam_plusplus_reference.py, in NumPy) on seeded activations
 * and gradients, and Grad-CAM++ from onnxruntime's last-stage signals equals the same method
 * from TensorFlow.js's backward pass on the tiny ResNet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { EXPLAINER_IDS, EXPLAINERS, weightedMap, type ExplainerId } from '../pipeline/explain/explainer.ts';
import { camsFor, lastStageSignals, stageSignals } from '../pipeline/explain/gradcam.ts';
import { initBackend, tf } from '../pipeline/model/backend.ts';
import { networkFromFile } from '../pipeline/model/weights.ts';
import { OnnxResNet } from '../pipeline/model/onnx-resnet.ts';
import { nchwToNhwc } from '../pipeline/model/forward.ts';
import { assertArrayClose, flat } from './helpers/tolerance.ts';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;

test('Grad-CAM and Grad-CAM++ weights and maps equal pytorch-grad-cam formulas', async () => {
  const reference = JSON.parse(await readFile(`${fixtures}gradcam-plusplus.json`, 'utf8'));
  const [n, c, h, w] = reference.shape_nchw as number[];
  const plane = h! * w!;
  assert.deepEqual(EXPLAINER_IDS, ['gradcam', 'gradcam++']);
  for (const id of EXPLAINER_IDS) {
    for (let i = 0; i < n!; i++) {
      const signals = { activation: Float32Array.from(flat(reference.activations[i])), gradient: Float32Array.from(flat(reference.grads[i])), channels: c!, plane };
      const weights = EXPLAINERS[id].channelWeights(signals);
      assertArrayClose(weights, reference[id].weights[i], `${id} weights, image ${i}`, 1e-9, 1e-12);
      const map = weightedMap(signals, weights).map((v) => Math.max(0, v));
      assertArrayClose(map, flat(reference[id].maps[i]), `${id} map, image ${i}`, 1e-6, 1e-9);
    }
  }
  // Not one method twice: on this fixture the weights differ.
  const first = { activation: Float32Array.from(flat(reference.activations[0])), gradient: Float32Array.from(flat(reference.grads[0])), channels: c!, plane };
  assert.notDeepEqual(Array.from(EXPLAINERS.gradcam.channelWeights(first)), Array.from(EXPLAINERS['gradcam++'].channelWeights(first)));
});

test('Grad-CAM++ from the last stage without a backward pass equals TensorFlow.js with one', async () => {
  await initBackend('wasm');
  const inputs = JSON.parse(await readFile(`${fixtures}tiny-resnet/reference.json`, 'utf8')).cases as { input_nchw: number[][][][] }[];
  const net = await networkFromFile(`${fixtures}tiny-resnet/model.safetensors`);
  const onnx = await OnnxResNet.fromFile(`${fixtures}tiny-resnet/model.safetensors`, { stageOutput: 4 });
  try {
    for (const [i, input] of inputs.entries()) {
      const { x, shape } = nchwToNhwc(input.input_nchw);
      const out = await onnx.run(x, shape);
      for (const target of ['sold', 'not_sold'] as const) {
        const fromForward = lastStageSignals('layer4', out.stage!, onnx.fcWeight, out.logits, target);
        const tensor = tf.tensor4d(x, shape);
        const fromBackward = await stageSignals(net, tensor, 'layer4', target);
        tensor.dispose();
        for (const method of EXPLAINER_IDS as ExplainerId[]) {
          const a = camsFor(fromForward, method);
          const b = camsFor(fromBackward, method);
          assert.equal(a.method, method);
          assertArrayClose(flat(a.maps), flat(b.maps), `case ${i} ${target} ${method}`);
          assertArrayClose(flat(a.raw), flat(b.raw), `case ${i} ${target} ${method} before ReLU`);
        }
      }
    }
  } finally {
    await onnx.release();
  }
});

test('study gradcam --method gradcam++ prints that method\'s maps; a misspelt method is a usage error', async () => {
  const { spawnSync } = await import('node:child_process');
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { makeTempDir } = await import('./helpers/project.ts');
  const dir = await makeTempDir('study-cam-method-');
  const cases = JSON.parse(await readFile(`${fixtures}tiny-resnet/reference.json`, 'utf8')).cases;
  await writeFile(join(dir, 'in.json'), JSON.stringify({ input_nchw: cases[0].input_nchw }));
  const bin = new URL('../bin/study.js', import.meta.url).pathname;
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'gradcam', '--weights', `${fixtures}tiny-resnet/model.safetensors`, '--input', join(dir, 'in.json'), '--json', ...args], { encoding: 'utf8' });
  const plain = JSON.parse(run().stdout);
  const plus = JSON.parse(run('--method', 'gradcam++').stdout);
  assert.equal(plain.method, 'gradcam');
  assert.equal(plus.method, 'gradcam++');
  assert.notDeepEqual(plus.maps, plain.maps);
  const wrong = run('--method', 'gradcam+');
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /--method must be gradcam or gradcam\+\+, got 'gradcam\+'/);
});

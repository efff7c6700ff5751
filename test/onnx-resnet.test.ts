/**
 * The ONNX graph of the trained network, in onnxruntime-node, against PyTorch on the
 * tiny-resnet fixture (logits, penultimate features, Grad-CAM at layer4 from the stage output)
 * and against the TensorFlow.js network with the same weights.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { initBackend, tf } from '../pipeline/model/backend.ts';
import { networkFromFile } from '../pipeline/model/weights.ts';
import { OnnxResNet } from '../pipeline/model/onnx-resnet.ts';
import { camsFor, lastStageSignals } from '../pipeline/explain/gradcam.ts';

const lastStageGradCam = (...args: Parameters<typeof lastStageSignals>) => camsFor(lastStageSignals(...args), 'gradcam');
import { assertArrayClose, flat } from './helpers/tolerance.ts';

const fixture = new URL('./fixtures/tiny-resnet/', import.meta.url).pathname;
type Case = { input_nchw: number[][][][]; logits: number[][]; penultimate: number[][] };

/** NCHW nested arrays -> NHWC float32, the layout our batches have. */
function nhwc(input: number[][][][]): { x: Float32Array; shape: [number, number, number, number] } {
  const [n, c, h, w] = [input.length, 3, input[0]![0]!.length, input[0]![0]![0]!.length];
  const x = new Float32Array(n * h * w * c);
  for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) x[((i * h + y) * w + xx) * c + ch] = input[i]![ch]![y]![xx]!;
  return { x, shape: [n, h, w, c] };
}

before(async () => {
  await initBackend('wasm');
});

test('onnxruntime: logits, features and layer4 Grad-CAM equal PyTorch on every fixture case', async () => {
  const net = await OnnxResNet.fromFile(`${fixture}model.safetensors`, { stageOutput: 4 });
  const reference = JSON.parse(await readFile(`${fixture}reference.json`, 'utf8')) as { cases: Case[] };
  const cams = JSON.parse(await readFile(`${fixture}gradcam_reference.json`, 'utf8')).cases;
  try {
    for (const [i, c] of reference.cases.entries()) {
      const { x, shape } = nhwc(c.input_nchw);
      const out = await net.run(x, shape);
      assertArrayClose(out.logits, flat(c.logits), `case ${i} logits`);
      assertArrayClose(out.features, flat(c.penultimate), `case ${i} penultimate`);
      const sold = lastStageGradCam('layer4', out.stage!, net.fcWeight, out.logits, 'sold');
      const notSold = lastStageGradCam('layer4', out.stage!, net.fcWeight, out.logits, 'not_sold');
      assertArrayClose(flat(sold.maps), flat(cams[i].gradcam_sold), `case ${i} layer4 sold`);
      assertArrayClose(flat(notSold.maps), flat(cams[i].gradcam_not_sold), `case ${i} layer4 not_sold`);
      assertArrayClose(flat(sold.raw), flat(cams[i].cam_sold_before_relu), `case ${i} layer4 before ReLU`);
      assert.deepEqual(lastStageGradCam('layer4', out.stage!, net.fcWeight, out.logits).targets, Array.from(out.logits, (z) => (z >= 0 ? 'sold' : 'not_sold')));
    }
  } finally {
    await net.release();
  }
});

test('onnxruntime and TensorFlow.js run the same network; repeated runs are identical', async () => {
  const onnx = await OnnxResNet.fromFile(`${fixture}model.safetensors`);
  const net = await networkFromFile(`${fixture}model.safetensors`);
  const reference = JSON.parse(await readFile(`${fixture}reference.json`, 'utf8')) as { cases: Case[] };
  const { x, shape } = nhwc(reference.cases[2]!.input_nchw);
  const [logits, features] = net.model.predict(tf.tensor4d(x, shape)) as tf.Tensor[];
  const first = await onnx.run(x, shape);
  assertArrayClose(first.logits, await logits!.data(), 'logits', 1e-5);
  assertArrayClose(first.features, await features!.data(), 'features', 1e-5);
  const again = await onnx.run(x, shape);
  assert.deepEqual(again.logits, first.logits);
  assert.deepEqual(again.features, first.features);
  tf.dispose([logits!, features!]);
  net.model.dispose();
  await onnx.release();
  await assert.rejects(OnnxResNet.fromFile(`${fixture}model.safetensors`, { stageOutput: 7 }), /unknown layer 'layer7'/);
});

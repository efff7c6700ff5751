/**
 * The tf.layers ResNet against PyTorch on the tiny-resnet fixture: logits and penultimate
 * features within the fixture's tolerance, on three input sizes (even, odd-ish, non-square).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { initBackend, tf } from '../pipeline/model/backend.ts';
import { buildResNet } from '../pipeline/model/resnet.ts';
import { readSafetensors, parseSafetensors, serializeSafetensors } from '../pipeline/model/safetensors.ts';
import { exportTorchWeights, loadTorchWeights, specFromTensors } from '../pipeline/model/torch-layout.ts';
import { assertArrayClose, flat } from './helpers/tolerance.ts';

const fixture = new URL('./fixtures/tiny-resnet/', import.meta.url).pathname;
type Case = { input_nchw: number[][][][]; logits: number[][]; penultimate: number[][] };

before(async () => {
  await initBackend('wasm');
});

test('the loader infers the tiny network layout from the tensors', async () => {
  const { tensors } = await readSafetensors(`${fixture}model.safetensors`);
  assert.deepEqual(specFromTensors(tensors, 'fixture'), { stemWidth: 64, blocks: [1, 1, 1, 1], widths: [16, 32, 64, 128], outChannels: [256, 512, 1024, 2048], classes: 1 });
});

test('logits and penultimate features equal PyTorch on every fixture case', async () => {
  const { tensors } = await readSafetensors(`${fixture}model.safetensors`);
  const net = buildResNet(specFromTensors(tensors, 'fixture'));
  loadTorchWeights(net, tensors, 'fixture');
  const reference = JSON.parse(await readFile(`${fixture}reference.json`, 'utf8')) as { cases: Case[] };
  const before = tf.memory().numTensors;
  for (const [i, c] of reference.cases.entries()) {
    const [n, ch, h, w] = [c.input_nchw.length, 3, c.input_nchw[0]![0]!.length, c.input_nchw[0]![0]![0]!.length];
    const x = tf.tidy(() => tf.transpose(tf.tensor4d(flat(c.input_nchw), [n, ch, h, w]), [0, 2, 3, 1]));
    const [logits, features] = net.model.predict(x) as tf.Tensor[];
    assertArrayClose(await logits!.data(), flat(c.logits), `case ${i} logits`);
    assertArrayClose(await features!.data(), flat(c.penultimate), `case ${i} penultimate`);
    tf.dispose([x, logits!, features!]);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  net.model.dispose();
});

test('exported weights are the torchvision layout, byte for byte', async () => {
  const bytes = await readFile(`${fixture}model.safetensors`);
  const original = parseSafetensors(bytes);
  const net = buildResNet(specFromTensors(original.tensors, 'fixture'));
  loadTorchWeights(net, original.tensors, 'fixture');
  const exported = parseSafetensors(serializeSafetensors(await exportTorchWeights(net)));
  for (const [name, t] of original.tensors) {
    const e = exported.tensors.get(name);
    assert.ok(e, `exported ${name}`);
    assert.deepEqual(e.shape, t.shape, name);
    if (!name.endsWith('num_batches_tracked')) assert.deepEqual(e.data, t.data, name);
  }
  net.model.dispose();
});

/** Grad-CAM against PyTorch on the tiny-resnet fixture, at layer4 and at layer3. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { initBackend, tf } from '../pipeline/model/backend.ts';
import { networkFromFile } from '../pipeline/model/weights.ts';
import { nchwToNhwc, type Nested } from '../pipeline/model/forward.ts';
import { gradCam } from '../pipeline/explain/gradcam.ts';
import { assertArrayClose, flat } from './helpers/tolerance.ts';

const nchwToTensor = (input: Nested) => {
  const { x, shape } = nchwToNhwc(input);
  return tf.tensor4d(x, shape);
};

const fixture = new URL('./fixtures/tiny-resnet/', import.meta.url).pathname;

before(async () => {
  await initBackend('wasm');
});

test('Grad-CAM equals the PyTorch reference for both targets at layer4 and layer3', async () => {
  const net = await networkFromFile(`${fixture}model.safetensors`);
  const inputs = JSON.parse(await readFile(`${fixture}reference.json`, 'utf8')).cases;
  const reference = JSON.parse(await readFile(`${fixture}gradcam_reference.json`, 'utf8')).cases;
  const tensorsBefore = tf.memory().numTensors;
  for (const [i, c] of reference.entries()) {
    const x = nchwToTensor(inputs[i].input_nchw);
    const sold4 = await gradCam(net, x, 'layer4', 'sold');
    const notSold4 = await gradCam(net, x, 'layer4', 'not_sold');
    const sold3 = await gradCam(net, x, 'layer3', 'sold');
    const notSold3 = await gradCam(net, x, 'layer3', 'not_sold');
    assertArrayClose(flat(sold4.maps), flat(c.gradcam_sold), `case ${i} layer4 sold`);
    assertArrayClose(flat(notSold4.maps), flat(c.gradcam_not_sold), `case ${i} layer4 not_sold`);
    assertArrayClose(flat(sold4.raw), flat(c.cam_sold_before_relu), `case ${i} layer4 before ReLU`);
    assertArrayClose(flat(sold3.maps), flat(c.layer3_gradcam_sold), `case ${i} layer3 sold`);
    assertArrayClose(flat(notSold3.maps), flat(c.layer3_gradcam_not_sold), `case ${i} layer3 not_sold`);
    // The predicted class here is not_sold (every logit is about -0.4).
    assert.deepEqual((await gradCam(net, x, 'layer4')).targets, sold4.logits.map(() => 'not_sold'));
    x.dispose();
  }
  assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor leaked');
  await assert.rejects(gradCam(net, nchwToTensor(inputs[0].input_nchw), 'layer9'), /unknown layer 'layer9'/);
});

test('study gradcam prints the layer, the targets and raw maps; photos get an overlay', async () => {
  const { spawnSync } = await import('node:child_process');
  const { writeFile, readFile: read } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { makeTempDir } = await import('./helpers/project.ts');
  const { jpeg } = await import('./helpers/images.ts');
  const bin = new URL('../bin/study.js', import.meta.url).pathname;
  const dir = await makeTempDir();
  const inputs = JSON.parse(await readFile(`${fixture}reference.json`, 'utf8')).cases;
  const reference = JSON.parse(await readFile(`${fixture}gradcam_reference.json`, 'utf8')).cases;
  await writeFile(join(dir, 'batch.json'), JSON.stringify({ input_nchw: inputs[1].input_nchw }));
  const run = spawnSync(process.execPath, [bin, 'gradcam', '--weights', `${fixture}model.safetensors`, '--input', join(dir, 'batch.json'), '--layer', 'layer3', '--target', 'not_sold', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.layer, 'layer3');
  assert.deepEqual(out.target, ['not_sold', 'not_sold']);
  assertArrayClose(flat(out.maps), flat(reference[1].layer3_gradcam_not_sold), 'CLI layer3 not_sold');

  await writeFile(join(dir, 'photo.jpg'), await jpeg(120, 90, 4));
  const photo = spawnSync(process.execPath, [bin, 'gradcam', '--weights', `${fixture}model.safetensors`, '--input', join(dir, 'photo.jpg'), '--size', '64', '--overlay', join(dir, 'overlay.png'), '--json'], { encoding: 'utf8' });
  assert.equal(photo.status, 0, photo.stderr);
  assert.deepEqual([JSON.parse(photo.stdout).maps[0].length, JSON.parse(photo.stdout).maps[0][0].length], [2, 2]);
  assert.equal((await read(join(dir, 'overlay.png'))).subarray(1, 4).toString(), 'PNG');
});

test('an overlay colours where the map is strong, smoothly, over the whole photo', async () => {
  const { overlayHeatmap } = await import('../pipeline/explain/overlay.ts');
  const size = 64;
  const grey = new Uint8Array(size * size * 3).fill(128);
  // Strongest at the bottom-right cell of a 4x4 map, nothing at the top-left.
  const map = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0.5, 0.5], [0, 0, 0.5, 1]];
  const out = await overlayHeatmap(grey, map, { size });
  const pixel = (x: number, y: number) => Array.from(out.subarray((y * size + x) * 3, (y * size + x) * 3 + 3));
  const distance = (a: number[]) => Math.hypot(a[0]! - 128, a[1]! - 128, a[2]! - 128);
  assert.ok(distance(pixel(size - 1, size - 1)) > distance(pixel(0, 0)) + 40, 'hot corner coloured, cold corner near the photo');
  // No row is unlike its neighbours (a channel mix-up striped every other row).
  for (let y = 1; y < size - 1; y++) {
    const [a, b, c] = [pixel(40, y - 1), pixel(40, y), pixel(40, y + 1)];
    assert.ok(Math.abs(b[0]! - (a[0]! + c[0]!) / 2) <= 12, `row ${y} breaks the gradient: ${a} ${b} ${c}`);
  }
});

/** The deletion check: its pure pieces (deletion.ts) and the stage's loop (runDeletionCheck) on a fake network. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../pipeline/core/random.ts';
import { blurImage, bootstrapMean, perturb, randomMask, summariseDeletion, topFractionMask, upsampleBilinear } from '../pipeline/explain/deletion.ts';
import { runDeletionCheck, type DeletionPhoto } from '../pipeline/explain/gradcam-stage.ts';
import { openCamNetwork, type CamNetwork } from '../pipeline/explain/cam-network.ts';
import { tf } from '../pipeline/model/backend.ts';
import { assertArrayClose, flat } from './helpers/tolerance.ts';

const close = (actual: number, expected: number, what: string, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual}, expected ${expected}`);

test('the CAM mask takes exactly round(fraction * pixels) pixels, the highest ones, ties to the lower index', () => {
  const random = createRandom(1);
  const values = Float32Array.from({ length: 49 }, () => random());
  const mask = topFractionMask(values, 0.2);
  assert.equal(mask.reduce((a, b) => a + b, 0), 10); // round(9.8)
  const lowestKept = Math.min(...[...values].filter((_, i) => mask[i]));
  const highestLeft = Math.max(...[...values].filter((_, i) => !mask[i]));
  assert.ok(lowestKept > highestLeft);
  assert.deepEqual([...topFractionMask(new Float32Array(10), 0.2)], [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('the random mask takes as many pixels, the same ones for the same seed', () => {
  const a = randomMask(4096, 0.2, createRandom('0:deletion:x'));
  assert.equal(a.reduce((s, v) => s + v, 0), 819);
  assert.deepEqual(a, randomMask(4096, 0.2, createRandom('0:deletion:x')));
  assert.notDeepEqual(a, randomMask(4096, 0.2, createRandom('0:deletion:y')));
});

test('bilinear upsampling uses half-pixel centres and clamps at the edges (cv2.resize)', () => {
  const up = upsampleBilinear([[0, 1], [2, 3]], 4, 4);
  const expected = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
  expected.forEach((v, i) => close(up[i]!, v, `pixel ${i}`));
});

test('the blur equals the hand-computed Gaussian, per channel, edges clamped', () => {
  // sigma 0.5: taps at -2..2 weigh exp(-2 k^2) / (1 + 2e^-2 + 2e^-8): w0 = 0.786570, w1 = 0.106450.
  // A 3x3 image, channel 0 a single 1 in the centre, channel 1 constant 5.
  const image = new Float32Array(18);
  for (let p = 0; p < 9; p++) image[p * 2 + 1] = 5;
  image[4 * 2] = 1;
  const out = blurImage(image, 3, 3, 2, 0.5);
  const w0 = 1 / (1 + 2 * Math.exp(-2) + 2 * Math.exp(-8));
  const w1 = Math.exp(-2) * w0;
  close(w0, 0.78657, 'w0', 1e-5);
  close(out[4 * 2]!, w0 * w0, 'centre'); // 0.618693
  close(out[0]!, w1 * w1, 'corner'); // 0.011332: the far taps read the clamped, empty edge
  close(out[1 * 2]!, w0 * w1, 'edge middle');
  for (let p = 0; p < 9; p++) close(out[p * 2 + 1]!, 5, `constant channel at ${p}`, 1e-5);
});

test('perturbation replaces every channel of masked pixels and nothing else', () => {
  const random = createRandom(2);
  const image = Float32Array.from({ length: 25 * 3 }, () => random());
  const replacement = Float32Array.from({ length: 25 * 3 }, () => 10 + random());
  const mask = randomMask(25, 0.2, createRandom(3));
  const out = perturb(image, replacement, mask, 3);
  for (let i = 0; i < out.length; i++) assert.equal(out[i], (mask[Math.floor(i / 3)] ? replacement : image)[i]);
  assert.notEqual(out, image);
});

test('the bootstrap interval of a mean contains it, is deterministic, and is null under 2 values', () => {
  const random = createRandom(4);
  const values = Array.from({ length: 50 }, () => random() - 0.3);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const interval = bootstrapMean(values, 1000)!;
  assert.ok(interval[0] < mean && mean < interval[1], `${interval} around ${mean}`);
  assert.deepEqual(bootstrapMean(values, 1000), interval);
  assert.equal(bootstrapMean([0.5], 1000), null);
  // numpy: v[RandomState(0).randint(0, 8, 8)].mean() 1,000 times, then np.percentile(means, [2.5, 97.5]).
  const reference = bootstrapMean([0.1, -0.2, 0.35, 0.05, 0.4, -0.1, 0.25, 0], 1000)!;
  close(reference[0], -0.03140625, 'numpy 2.5th percentile', 1e-12);
  close(reference[1], 0.24375, 'numpy 97.5th percentile', 1e-12);
  const { groups, rows } = summariseDeletion([{ correct: true, camDrop: 0.5, randomDrop: 0.1 }], 1000);
  assert.deepEqual(groups.map((g) => [g.group, g.photos, g.ci95]), [['all', 1, null], ['correct', 1, null]]);
  assert.equal(rows.length, 4);
});

/**
 * Photos of a checkerboard patch on a flat background, in one of the 4x4 cells of a 32x32
 * image; the "model" sells in proportion to how much patch it sees. The blur (sigma 4) wipes
 * a checkerboard out, so deleting the patch costs the whole signal.
 */
const SIZE = 32;
const photos: DeletionPhoto[] = Array.from({ length: 60 }, (_, i) => ({ index: i, id: `p${i}`, label: i % 2, predicted: 1 }));
const cells = photos.map((_, i) => Math.floor(createRandom(`cell:${i}`)() * 16));
function load(indices: number[]) {
  const per = SIZE * SIZE * 3;
  const x = new Float32Array(indices.length * per);
  indices.forEach((index, i) => {
    const [cy, cx] = [Math.floor(cells[index]! / 4) * 8, (cells[index]! % 4) * 8];
    for (let y = cy; y < cy + 8; y++) for (let px = cx; px < cx + 8; px++) x.fill((y + px) % 2 ? 2 : -2, i * per + (y * SIZE + px) * 3, i * per + (y * SIZE + px + 1) * 3);
  });
  return { x, shape: [indices.length, SIZE, SIZE, 3] as [number, number, number, number] };
}
function fakeNetwork(map: (x: Float32Array, i: number) => number[][]): Pick<CamNetwork, 'cams' | 'scores'> {
  return {
    async cams(x, shape, targets) {
      assert.ok(Array.isArray(targets) && targets.every((t) => t === 'sold'), 'maps of the predicted class');
      const maps = Array.from({ length: shape[0] }, (_, i) => map(x, i));
      return { layer: 'layer3', method: 'gradcam', targets: targets as never, logits: [], maps, raw: maps };
    },
    async scores(x, shape) {
      const per = SIZE * SIZE * 3;
      // Linear in the patch signal, so scattered and contiguous deletions of equal expected overlap drop alike.
      return Float32Array.from({ length: shape[0] }, (_, i) => 0.5 + (3 * x.subarray(i * per, (i + 1) * per).reduce((s, v) => s + Math.abs(v), 0)) / per);
    },
  };
}

test('a map on the region the model uses drops more than random pixels; a random map does not', async () => {
  const per = SIZE * SIZE * 3;
  const faithful = await runDeletionCheck(
    fakeNetwork((x, i) => Array.from({ length: 4 }, (_, cy) => Array.from({ length: 4 }, (_, cx) => Math.abs(x[i * per + ((cy * 8 + 4) * SIZE + cx * 8 + 4) * 3]!)))),
    load,
    photos,
    0,
    'gradcam',
  );
  const random = createRandom('maps');
  const arbitrary = await runDeletionCheck(fakeNetwork(() => Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => random()))), load, photos, 0, 'gradcam');
  assert.ok(faithful && arbitrary);
  assert.equal(faithful.blur_sigma, 4);
  assert.deepEqual(faithful.groups.map((g) => [g.group, g.photos]), [['all', 60], ['correct', 30], ['wrong', 30]]);
  const all = faithful.groups[0]!;
  assert.ok(all.cam_drop > 0.3 && all.random_drop < 0.1, `drops ${all.cam_drop}, ${all.random_drop}`);
  assert.ok(all.ci95![0] > 0, `faithful interval ${all.ci95}`);
  const chance = arbitrary.groups[0]!;
  assert.ok(chance.ci95![0] <= 0, `random-map interval ${chance.ci95} should reach 0`);
  assert.equal(await runDeletionCheck(fakeNetwork(() => [[0]]), load, [], 0, 'gradcam'), null);
  assert.equal(faithful.method, 'Grad-CAM');
});

test('scores are the sigmoid of the PyTorch logits on onnxruntime and on tfjs, without leaked tensors', async () => {
  const fixture = new URL('./fixtures/tiny-resnet/', import.meta.url).pathname;
  const { readFile } = await import('node:fs/promises');
  const { nchwToNhwc } = await import('../pipeline/model/forward.ts');
  const cases = JSON.parse(await readFile(`${fixture}reference.json`, 'utf8')).cases as { input_nchw: never; logits: number[][] }[];
  for (const inference of ['onnxruntime', 'tfjs'] as const) {
    const net = await openCamNetwork(`${fixture}model.safetensors`, 'layer3', { inference, backend: 'wasm' });
    const tensors = tf.memory().numTensors;
    try {
      assert.equal(net.scoredBy, null, 'no scoring engine before the first call');
      for (const c of cases) {
        const { x, shape } = nchwToNhwc(c.input_nchw);
        assertArrayClose(await net.scores(x, shape), flat(c.logits).map((z) => 1 / (1 + Math.exp(-z))), `${inference} scores`);
      }
      assert.equal(net.scoredBy, inference === 'tfjs' ? 'wasm' : 'onnxruntime');
      assert.equal(tf.memory().numTensors, tensors, `${inference}: no tensor leaked`);
    } finally {
      await net.close();
    }
  }
});

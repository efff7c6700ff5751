import { test } from 'node:test';
import assert from 'node:assert/strict';
import { augmentAndNormalise, drawAugmentation, IMAGENET_MEAN, IMAGENET_STD } from '../pipeline/data/augment.ts';
import { epochOrder } from '../pipeline/data/batches.ts';
import { createRandom } from '../pipeline/core/random.ts';
import { defaultConfig } from '../pipeline/core/config.ts';
import { rgbPixels } from './helpers/images.ts';

const size = 12;
const src = rgbPixels(size, size, 3);
const run = (draw?: Parameters<typeof augmentAndNormalise>[4]) => {
  const out = new Float32Array(size * size * 3);
  augmentAndNormalise(src, size, out, 0, draw);
  return out;
};
const identity = { flip: false, angle: 0, brightness: 1, contrast: 1, saturation: 1 };

test('without augmentation an image is only normalised with ImageNet mean and std', () => {
  const out = run();
  for (const i of [0, 5, 100, size * size * 3 - 1]) {
    const ch = i % 3;
    assert.ok(Math.abs(out[i]! - (src[i]! / 255 - IMAGENET_MEAN[ch]!) / IMAGENET_STD[ch]!) < 1e-6);
  }
  assert.deepEqual(run(identity), out);
});

test('a flip mirrors each row exactly', () => {
  const plain = run();
  const flipped = run({ ...identity, flip: true });
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(flipped[(y * size + x) * 3 + c]! - plain[(y * size + (size - 1 - x)) * 3 + c]!) < 1e-5);
  }
});

test('rotation by 90 degrees turns the image counter-clockwise', () => {
  const plain = run();
  const turned = run({ ...identity, angle: 90 });
  // Counter-clockwise: the output's top-left pixel comes from the input's top-right.
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(turned[c]! - plain[(size - 1) * 3 + c]!) < 1e-4);
});

test('colour jitter moves values in the right direction', () => {
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(mean(run({ ...identity, brightness: 1.2 })) > mean(run()));
  const spread = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / a.length);
  assert.ok(spread(run({ ...identity, contrast: 0.5 })) < spread(run()));
});

test('draws are seeded, reproducible, within the configured ranges; epochs shuffle reproducibly', async () => {
  const config = (await defaultConfig()).augment;
  const a = Array.from({ length: 50 }, ((r) => () => drawAugmentation(config, r))(createRandom(5)));
  const b = Array.from({ length: 50 }, ((r) => () => drawAugmentation(config, r))(createRandom(5)));
  assert.deepEqual(a, b);
  assert.ok(a.some((d) => d.flip) && a.some((d) => !d.flip));
  assert.ok(a.every((d) => Math.abs(d.angle) <= config.rotation && Math.abs(d.brightness - 1) <= config.brightness));
  const order = epochOrder(100, 0, 3);
  assert.deepEqual([...order].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual(order, epochOrder(100, 0, 3));
  assert.notDeepEqual(order, epochOrder(100, 0, 4));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeToRgb } from '../pipeline/data/preprocess.ts';
import { jpegTurboStatus } from '../pipeline/data/jpeg-turbo.ts';
import { runStages } from '../pipeline/stages.ts';
import { datasetStage } from '../pipeline/data/dataset-stage.ts';
import { preprocessStage } from '../pipeline/data/preprocess-stage.ts';
import { ImageCache } from '../pipeline/data/image-cache.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { makeBadCorpus, toCsv } from './helpers/bad-corpus.ts';
import { makeProject, makeTempDir } from './helpers/project.ts';

const opts = { size: 16, fit: 'fill' as const, maxPixels: 1e8 };

test('odd but valid images all become 8-bit sRGB RGB at the configured size', async () => {
  const corpus = await makeBadCorpus(await makeTempDir(), 0);
  for (const file of ['png-named.jpg', 'cmyk.jpg', 'deep.png', 'grey.jpg', 'rgba.png', 'palette.png', 'rotated.jpg', 'tiny.png']) {
    for (const fit of ['cover', 'contain', 'fill'] as const) {
      const data = await decodeToRgb(join(corpus.images, file), { ...opts, fit });
      assert.equal(data.length, 16 * 16 * 3, `${file} ${fit}`);
    }
  }
  const tiny = await decodeToRgb(join(corpus.images, 'tiny.png'), opts);
  assert.deepEqual([...tiny.subarray(0, 3)], [0xcc, 0x00, 0x33]);
});

test('EXIF orientation is applied and alpha is flattened on white', async () => {
  // Left half red, right half blue; orientation 6 means "rotate 90 degrees clockwise to view".
  const w = 40, h = 20;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
  const rotated = await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().withMetadata({ orientation: 6 }).toBuffer();
  const data = await decodeToRgb(rotated, opts);
  const pixel = (x: number, y: number) => [...data.subarray((y * 16 + x) * 3, (y * 16 + x) * 3 + 3)];
  assert.deepEqual(pixel(8, 1), [255, 0, 0], 'the left half is on top once rotated');
  assert.deepEqual(pixel(8, 14), [0, 0, 255]);

  const transparent = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
  assert.deepEqual([...(await decodeToRgb(transparent, opts)).subarray(0, 3)], [255, 255, 255]);
  // 16-bit input keeps its colour once reduced to 8 bits.
  const deep = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } }).toColourspace('rgb16').png().toBuffer();
  assert.deepEqual([...(await decodeToRgb(deep, opts)).subarray(0, 3)], [200, 100, 50]);
});

test('a decompression bomb is refused before decoding', async () => {
  const corpus = await makeBadCorpus(await makeTempDir(), 0);
  await assert.rejects(decodeToRgb(join(corpus.images, 'bomb.png'), opts), /pixel limit/i);
});

test('dataset and preprocess stages on the bad corpus: good rows cached, bad rows reported once', async () => {
  const loaded = await makeProject({
    dataset: { manifest: 'data/manifest.csv', images: 'data/images', columns: { group: 'group' }, train_per_class: 100, validation_per_class: 100, validation_fraction: 0.3 },
    preprocess: { size: 24, concurrency: 3 },
  });
  const corpus = await makeBadCorpus(join(loaded.root, 'data'), 30);
  await writeFile(join(loaded.root, 'data/manifest.csv'), toCsv(corpus.rows, ['id', 'image', 'sold', 'group']));
  const logger = createRecordingLogger();
  await runStages([datasetStage, preprocessStage], loaded, { logger });
  const dataset = JSON.parse(await readFile(join(loaded.resolved.data, 'dataset.json'), 'utf8'));
  assert.equal(dataset.excluded, Object.keys(corpus.expected).length);
  assert.equal(dataset.problems.length, dataset.excluded, 'each bad row reported once');
  for (const [id, reason] of Object.entries(corpus.expected)) {
    assert.equal(dataset.problems.filter((p: { id: string; reason: string }) => p.id === id && p.reason === reason).length, 1, `${id}: ${reason}`);
  }
  const preprocess = JSON.parse(await readFile(join(loaded.resolved.data, 'preprocess.json'), 'utf8'));
  assert.deepEqual(preprocess.failed, []);
  const fast = jpegTurboStatus().available;
  assert.equal(preprocess.decoders['libjpeg-turbo'] + preprocess.decoders.sharp, dataset.split.sizes.train + dataset.split.sizes.validation);
  assert.equal(preprocess.decoders['libjpeg-turbo'] > 0, fast, 'plain JPEGs take the fast path when it is built');
  for (const side of ['train', 'validation'] as const) {
    const cache = await ImageCache.open(loaded.resolved.cache, side);
    assert.equal(cache.count, dataset.split.sizes[side]);
    assert.equal(cache.count, 2 * dataset.split.per_class[side]);
    assert.equal(cache.index.labels.filter((l) => l === 1).length, dataset.split.per_class[side]);
    assert.equal(cache.read(cache.count - 1).length, 24 * 24 * 3);
    cache.close();
  }
  // Unchanged: nothing runs again.
  const again = await runStages([datasetStage, preprocessStage], loaded, { logger });
  assert.deepEqual(again.map((r) => r.status), ['cached', 'cached']);
  // Only the image size changed: the dataset stage stays cached.
  loaded.config.preprocess.size = 16;
  const resized = await runStages([datasetStage, preprocessStage], loaded, { logger });
  assert.deepEqual(resized.map((r) => r.status), ['cached', 'ran']);
  // Another decoder means other pixels: preprocess reruns (when the choice changes what runs here).
  loaded.config.preprocess.decoder = 'sharp';
  const redecoded = await runStages([datasetStage, preprocessStage], loaded, { logger });
  assert.deepEqual(redecoded.map((r) => r.status), ['cached', fast ? 'ran' : 'cached']);
});

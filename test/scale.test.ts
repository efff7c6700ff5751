/**
 * Bad data at scale: 10,000 rows, 5% broken in every way the dataset stage knows. check-data
 * and the dataset and preprocess stages complete, and every broken row is reported exactly
 * once, with its reason and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { runStages } from '../pipeline/stages.ts';
import { datasetStage } from '../pipeline/data/dataset-stage.ts';
import { preprocessStage } from '../pipeline/data/preprocess-stage.ts';
import { checkData } from '../pipeline/data/check.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { createRandom } from '../pipeline/core/random.ts';
import { pngClaiming } from './helpers/images.ts';
import { makeProject } from './helpers/project.ts';

const ROWS = 10_000;
const KINDS = ['unreadable', 'unreadable-empty', 'not_an_image', 'too_large', 'missing', 'outside_root', 'outside_root-dotdot', 'outside_root-absolute', 'bad_label', 'duplicate_id', 'duplicate_image'] as const;

test('10,000 rows with 5% broken: every broken row reported once with its reason', { timeout: 600_000 }, async () => {
  const loaded = await makeProject({
    dataset: { manifest: 'data/manifest.csv', images: 'data/images', columns: { group: 'seller' } },
    preprocess: { size: 16, concurrency: 4 },
  });
  const images = join(loaded.root, 'data', 'images');
  await mkdir(images, { recursive: true });
  await writeFile(join(loaded.root, 'data', 'secret.jpg'), 'outside');
  const random = createRandom(11);
  const lines = ['id,image,sold,seller'];
  const expected = new Map<number, string>(); // line -> reason
  const good = async (name: string, seed: number) => {
    const r = createRandom(seed);
    const raw = Buffer.from(Array.from({ length: 12 * 12 * 3 }, () => Math.floor(r() * 256)));
    await writeFile(join(images, name), await sharp(raw, { raw: { width: 12, height: 12, channels: 3 } }).jpeg({ quality: 70 }).toBuffer());
  };
  const truncated = (await sharp({ create: { width: 40, height: 40, channels: 3, background: '#345' } }).jpeg().toBuffer()).subarray(0, 60);
  for (let i = 0; i < ROWS; i++) {
    const line = i + 2;
    const label = random() < 0.5 ? 'sold' : 'not_sold';
    const seller = `s${i % 997}`;
    if (i % 20 !== 7) {
      await good(`${i}.jpg`, i);
      lines.push(`r${i},${i}.jpg,${label},${seller}`);
      continue;
    }
    const kind = KINDS[Math.floor(i / 20) % KINDS.length]!;
    expected.set(line, kind.split('-')[0]!);
    switch (kind) {
      case 'unreadable':
        await writeFile(join(images, `${i}.jpg`), truncated);
        lines.push(`r${i},${i}.jpg,${label},${seller}`);
        break;
      case 'unreadable-empty':
        await writeFile(join(images, `${i}.jpg`), '');
        lines.push(`r${i},${i}.jpg,${label},${seller}`);
        break;
      case 'not_an_image':
        await writeFile(join(images, `${i}.jpg`), `row ${i} is text`);
        lines.push(`r${i},${i}.jpg,${label},${seller}`);
        break;
      case 'too_large':
        await writeFile(join(images, `${i}.png`), pngClaiming(30000, 30000));
        lines.push(`r${i},${i}.png,${label},${seller}`);
        break;
      case 'missing':
        lines.push(`r${i},gone-${i}.jpg,${label},${seller}`);
        break;
      case 'outside_root':
        await symlink(join(loaded.root, 'data', 'secret.jpg'), join(images, `${i}.jpg`));
        lines.push(`r${i},${i}.jpg,${label},${seller}`);
        break;
      case 'outside_root-dotdot':
        lines.push(`r${i},../secret.jpg,${label},${seller}`);
        break;
      case 'outside_root-absolute':
        lines.push(`r${i},${join(loaded.root, 'data', 'secret.jpg')},${label},${seller}`);
        break;
      case 'bad_label':
        await good(`${i}.jpg`, i);
        lines.push(`r${i},${i}.jpg,perhaps,${seller}`);
        break;
      case 'duplicate_id':
        await good(`${i}.jpg`, i);
        lines.push(`r${i - 1},${i}.jpg,${label},${seller}`);
        break;
      case 'duplicate_image':
        lines.push(`r${i},${i - 1}.jpg,${label},${seller}`);
        break;
    }
  }
  await writeFile(join(loaded.root, 'data', 'manifest.csv'), lines.join('\n') + '\n');

  const check = await checkData({
    manifest: loaded.resolved.manifest, images: loaded.resolved.images, format: 'csv', columns: loaded.config.dataset.columns,
    maxPixels: loaded.config.dataset.max_pixels, nearDuplicateDistance: 4, concurrency: 4, logger: createRecordingLogger(),
  });
  assert.equal(check.rows, ROWS);
  assert.equal(check.problems.length, expected.size);
  assert.equal(new Set(check.problems.map((p) => p.line)).size, check.problems.length, 'each row reported once');
  for (const p of check.problems) assert.equal(p.reason, expected.get(p.line), `line ${p.line}`);
  assert.equal(check.usable, ROWS - expected.size);

  await runStages([datasetStage, preprocessStage], loaded, { logger: createRecordingLogger() });
  const dataset = JSON.parse(await readFile(join(loaded.resolved.data, 'dataset.json'), 'utf8'));
  assert.equal(dataset.excluded, expected.size);
  const preprocess = JSON.parse(await readFile(join(loaded.resolved.data, 'preprocess.json'), 'utf8'));
  assert.deepEqual(preprocess.failed, []);
  assert.equal(preprocess.splits.train.images + preprocess.splits.validation.images, dataset.split.sizes.train + dataset.split.sizes.validation);
  assert.ok(preprocess.splits.train.images > 7000);
});

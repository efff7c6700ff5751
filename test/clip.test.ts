/** CLIP embeddings on the tiny-clip fixture: model parity, our preprocessing, the stage offline. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clipPixels, loadClip } from '../pipeline/embed/clip.ts';
import { assertArrayClose, flat } from './helpers/tolerance.ts';
import { makeTempDir } from './helpers/project.ts';

const fixture = fileURLToPath(new URL('./fixtures/tiny-clip/', import.meta.url));
const reference = JSON.parse(await readFile(join(fixture, 'reference.json'), 'utf8')) as { cases: { image: string; pixel_values: unknown; image_embeds_torch: unknown }[] };
const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));

test('from the reference pixel_values, embeddings equal PyTorch to 1e-4', async () => {
  const clip = await loadClip({ model: join(fixture, 'model'), root: process.cwd(), cacheDir: await makeTempDir() });
  for (const c of reference.cases) {
    const { data, dim } = await clip.embed(Float32Array.from(flat(c.pixel_values)), 1);
    assert.equal(dim, 16);
    assertArrayClose(data, flat(c.image_embeds_torch), c.image);
  }
  await clip.dispose();
});

test('our sharp preprocessing is close to CLIPImageProcessor, and so are the embeddings from the images', async () => {
  const clip = await loadClip({ model: join(fixture, 'model'), root: process.cwd(), cacheDir: await makeTempDir() });
  let pixelDiff = 0;
  let embedDiff = 0;
  for (const c of reference.cases) {
    const ours = await clipPixels(join(fixture, 'images', c.image), clip.preprocessor);
    const ref = flat(c.pixel_values);
    ours.forEach((v, i) => (pixelDiff = Math.max(pixelDiff, Math.abs(v - ref[i]!))));
    const { data } = await clip.embed(ours, 1);
    const refEmbed = flat(c.image_embeds_torch);
    data.forEach((v, i) => (embedDiff = Math.max(embedDiff, Math.abs(v - refEmbed[i]!))));
  }
  // Measured: at most 0.13 in normalised pixel units (transformers.js' own resize: 2.4) and
  // 0.004 in the embeddings (norm about 4; transformers.js' own preprocessing: 0.07).
  assert.ok(pixelDiff < 0.2, `pixel difference ${pixelDiff}`);
  assert.ok(embedDiff < 0.01, `embedding difference ${embedDiff}`);
  await clip.dispose();
});

test('study embed-clip prints raw or normalised embeddings; an unknown hub model offline says why', async () => {
  const images = reference.cases.slice(0, 2).map((c) => join(fixture, 'images', c.image));
  const run = spawnSync(process.execPath, [bin, 'embed-clip', '--model', join(fixture, 'model'), '--images', ...images, '--normalize', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.embeddings.length, 2);
  for (const e of out.embeddings) assert.ok(Math.abs(Math.hypot(...e) - 1) < 1e-6);
  const offline = spawnSync(process.execPath, [bin, 'embed-clip', '--model', 'nobody/no-such-clip', '--images', images[0]!, '--json'], { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1' }, cwd: await makeTempDir() });
  assert.equal(offline.status, 1);
  assert.match(offline.stderr, /CLIP model nobody\/no-such-clip could not be loaded/);
});

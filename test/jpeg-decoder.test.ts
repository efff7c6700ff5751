import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodePhoto, resolveDecoder } from '../pipeline/data/preprocess.ts';
import { jpegTurboStatus } from '../pipeline/data/jpeg-turbo.ts';
import { makeBadCorpus } from './helpers/bad-corpus.ts';
import { makeTempDir } from './helpers/project.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'jpeg');
const status = jpegTurboStatus();
// CI installs libjpeg's headers and builds the addon, so there these tests must run, not skip.
const skip = status.available ? false : process.env.CI ? false : `libjpeg-turbo addon not built (${status.reason})`;

interface Case { image: string; size: number; fit: 'cover' | 'contain' | 'fill'; rgb: string }

function difference(a: Buffer, b: Buffer): { mean: number; max: number } {
  assert.equal(a.length, b.length);
  let sum = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    max = Math.max(max, d);
  }
  return { mean: sum / a.length, max };
}

test('the addon is built and loads', { skip }, () => {
  assert.ok(status.available, status.reason);
  assert.equal(resolveDecoder('auto'), 'libjpeg-turbo');
  assert.equal(resolveDecoder('libjpeg-turbo'), 'libjpeg-turbo');
  assert.equal(resolveDecoder('sharp'), 'sharp');
});

test('libjpeg-turbo matches PIL draft mode + Lanczos on real and synthetic JPEGs, every fit', { skip }, async () => {
  const { cases } = JSON.parse(await readFile(join(FIXTURES, 'draft-reference.json'), 'utf8')) as { cases: Case[] };
  assert.ok(cases.length >= 15);
  for (const c of cases) {
    const path = join(FIXTURES, c.image);
    const photo = await decodePhoto(path, { size: c.size, fit: c.fit, maxPixels: 1e8, decoder: 'libjpeg-turbo' });
    assert.equal(photo.decoder, 'libjpeg-turbo', `${c.image}: ${photo.fallback}`);
    // PIL resamples in fixed point and rounds once; we accumulate in float: a level or two apart at most
    const { mean, max } = difference(photo.data, Buffer.from(c.rgb, 'base64'));
    assert.ok(mean < 0.35 && max <= 6, `${c.image} ${c.size} ${c.fit}: mean ${mean.toFixed(3)}, max ${max}`);
    // the same crop and placement as sharp's path (its own resampling differs by a few levels:
    // at 32 px it is further from a full-resolution Lanczos resize than draft mode is)
    const reference = await decodePhoto(path, { size: c.size, fit: c.fit, maxPixels: 1e8, decoder: 'sharp' });
    assert.ok(difference(photo.data, reference.data).mean < 10, `${c.image} ${c.fit} against sharp`);
    // a Buffer decodes as the file does, and twice alike
    const again = await decodePhoto(await readFile(path), { size: c.size, fit: c.fit, maxPixels: 1e8, decoder: 'libjpeg-turbo' });
    assert.deepEqual(again.data, photo.data);
  }
});

test('contain letterboxes on white', { skip }, async () => {
  const { data } = await decodePhoto(join(FIXTURES, 'wide-444.jpg'), { size: 40, fit: 'contain', maxPixels: 1e8, decoder: 'libjpeg-turbo' });
  // 300x120 in 40x40: 40x16 centred, rows 0..11 and 28..39 white
  assert.deepEqual([...data.subarray(0, 3)], [255, 255, 255]);
  assert.deepEqual([...data.subarray((39 * 40 + 39) * 3)], [255, 255, 255]);
  assert.notDeepEqual([...data.subarray((20 * 40 + 20) * 3, (20 * 40 + 20) * 3 + 3)], [255, 255, 255]);
});

test('unusual JPEGs and other formats go to sharp, and broken ones still fail as sharp fails', { skip }, async () => {
  const corpus = await makeBadCorpus(await makeTempDir(), 0);
  const dir = await makeTempDir();
  const opts = { size: 24, fit: 'cover' as const, maxPixels: 1e8, decoder: 'auto' as const };
  const icc = await sharp(join(FIXTURES, 'clothing.jpg')).withIccProfile('p3').jpeg().toBuffer();
  await writeFile(join(dir, 'icc.jpg'), icc);
  const expectations: [string, RegExp][] = [
    [join(corpus.images, 'rotated.jpg'), /EXIF orientation 6/],
    [join(corpus.images, 'cmyk.jpg'), /CMYK/],
    [join(corpus.images, 'png-named.jpg'), /not a JPEG/],
    [join(dir, 'icc.jpg'), /ICC profile/],
  ];
  for (const [path, reason] of expectations) {
    const photo = await decodePhoto(path, opts);
    assert.equal(photo.decoder, 'sharp', path);
    assert.match(photo.fallback ?? '', reason);
    assert.equal(photo.data.length, 24 * 24 * 3);
  }
  for (const bad of ['truncated.jpg', 'empty.jpg', 'text.jpg']) {
    await assert.rejects(decodePhoto(join(corpus.images, bad), opts), Error, bad);
  }
  await assert.rejects(decodePhoto(join(dir, 'missing.jpg'), opts), /no such file|missing/i);
  // over the pixel limit: refused by sharp, with sharp's message
  await assert.rejects(decodePhoto(join(FIXTURES, 'clothing.jpg'), { ...opts, maxPixels: 1000 }), /pixel limit/i);
  // the greyscale JPEG stays on the fast path, as RGB
  const grey = await decodePhoto(join(FIXTURES, 'grey.jpg'), opts);
  assert.equal(grey.decoder, 'libjpeg-turbo');
  for (let i = 0; i < grey.data.length; i += 3) assert.ok(grey.data[i] === grey.data[i + 1] && grey.data[i] === grey.data[i + 2]);
});

test('many photos in flight decode exactly as one at a time', { skip }, async () => {
  const path = join(FIXTURES, 'clothing.jpg');
  const opts = { size: 64, fit: 'cover' as const, maxPixels: 1e8, decoder: 'libjpeg-turbo' as const };
  const one = (await decodePhoto(path, opts)).data;
  const bytes = await readFile(path);
  const many = await Promise.all(Array.from({ length: 24 }, (_, i) => decodePhoto(i % 2 ? path : bytes, opts)));
  for (const photo of many) assert.deepEqual(photo.data, one);
});

test('decoder "sharp" never touches the addon', async () => {
  const photo = await decodePhoto(join(FIXTURES, 'clothing.jpg'), { size: 24, fit: 'cover', maxPixels: 1e8, decoder: 'sharp' });
  assert.equal(photo.decoder, 'sharp');
  assert.equal(photo.fallback, undefined);
});

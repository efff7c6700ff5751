/** Published photos: resized, blurred or withheld as configured, never with EXIF. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeJpeg, publishablePixels, safeName } from '../pipeline/report/photos.ts';
import { photo } from './helpers/images.ts';
import { makeTempDir } from './helpers/project.ts';

test('published photos carry no EXIF; blurred loses detail; none withholds the photo', async () => {
  const dir = await makeTempDir();
  const source = join(dir, 'with-exif.jpg');
  await writeFile(source, await photo(120, 90, 3).jpeg().withMetadata({ orientation: 6, exif: { IFD0: { Artist: 'seller name', Copyright: 'x' } } }).toBuffer());
  assert.ok((await sharp(source).metadata()).exif, 'the source has EXIF');
  for (const mode of ['full', 'blurred', 'none'] as const) {
    const pixels = await publishablePixels(source, 64, mode, 1e8);
    const published = await encodeJpeg(pixels, 64);
    const meta = await sharp(published).metadata();
    assert.equal(meta.exif, undefined, `${mode}: no EXIF`);
    assert.equal(meta.orientation, undefined);
    assert.deepEqual([meta.width, meta.height], [64, 64]);
  }
  const variance = (b: Buffer) => {
    const mean = b.reduce((s, v) => s + v, 0) / b.length;
    return b.reduce((s, v) => s + (v - mean) ** 2, 0) / b.length;
  };
  const full = await publishablePixels(source, 64, 'full', 1e8);
  const blurred = await publishablePixels(source, 64, 'blurred', 1e8);
  const none = await publishablePixels(source, 64, 'none', 1e8);
  assert.ok(variance(blurred) < variance(full));
  assert.equal(variance(none), 0);
  assert.match(safeName('t', '<script>../../x'), /^t-[0-9a-f]{16}$/);
});

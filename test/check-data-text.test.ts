/**
 * check-data's text mode: near-duplicate pairs listed after the problems (capped, with a count
 * of the rest), a short row is `bad_row`, an `unreadable` detail is one line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeBadCorpus, toCsv } from './helpers/bad-corpus.ts';
import { makeTempDir } from './helpers/project.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));

test('check-data lists near-duplicate pairs in text mode, one line each, after the problems, capped', async () => {
  const dir = await makeTempDir();
  const corpus = await makeBadCorpus(dir, 10);
  const sharp = (await import('sharp')).default;
  const copies = Array.from({ length: 22 }, (_, i) => ({ id: `again-${i}`, image: `again-${i}.jpg`, sold: i % 2 ? 'sold' : 'not_sold' }));
  for (let i = 0; i < copies.length; i++) {
    await writeFile(join(corpus.images, `again-${i}.jpg`), await sharp(join(corpus.images, 'good-4.jpg')).resize(100 + 2 * i).jpeg({ quality: 70 + i }).toBuffer());
  }
  const manifest = join(dir, 'm.csv');
  await writeFile(manifest, toCsv([...corpus.rows.slice(0, 10), { id: 'x', image: 'absent.jpg', sold: 'sold' }, ...copies], ['id', 'image', 'sold']));
  const run = spawnSync(process.execPath, [bin, 'check-data', '--manifest', manifest, '--images', corpus.images], { encoding: 'utf8', cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stderr.trim().split('\n');
  const missing = lines.findIndex((l) => /: missing: /.test(l));
  const pairs = lines.map((l, i) => [l, i] as const).filter(([l]) => /: near_duplicate: /.test(l));
  assert.ok(missing >= 0, run.stderr);
  assert.equal(pairs.length, 20, run.stderr);
  assert.ok(pairs.every(([, i]) => i > missing), 'pairs come after the problems');
  assert.match(pairs[0]![0], /^.*m\.csv:\d+: near_duplicate: id "[\w-]+" looks like line \d+ \(id "[\w-]+"\), \d+ bits? apart$/);
  const summary = lines.find((l) => /^\d+ rows, /.test(l)) ?? '';
  const total = Number(/(\d+) near-duplicate pairs$/.exec(summary)?.[1]);
  assert.ok(total > 20, summary);
  assert.ok(lines.includes(`and ${total - 20} more near-duplicate pairs ('study check-data --json' lists them all)`), run.stderr);
});

test('an unreadable photo gets a one-line detail: decoder lines trimmed, de-duplicated, joined', async () => {
  const { oneLine, inspectImage } = await import('../pipeline/data/inspect-image.ts');
  const said = 'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: JPEG datastream contains no image\nVipsJpeg: premature end of JPEG image\n VipsJpeg: JPEG datastream contains no image \nVipsJpeg: premature end of JPEG image\n';
  assert.equal(oneLine(said), 'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image; JPEG datastream contains no image');
  assert.equal(oneLine('one line\n'), 'one line');
  assert.equal(oneLine('a\nb\na'), 'a; b');
  // A real truncated JPEG header: sharp says it in several lines.
  const sharp = (await import('sharp')).default;
  const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  const dir = await makeTempDir();
  await writeFile(join(dir, 'cut.jpg'), good.subarray(0, 20));
  const result = await inspectImage(join(dir, 'cut.jpg'), 1e8);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.reason, 'unreadable');
    assert.doesNotMatch(result.detail, /\n/);
    assert.equal(result.detail.match(/VipsJpeg/g)?.length ?? 0, result.detail.includes('VipsJpeg') ? 1 : 0, result.detail);
  }
});

test('a row with too few fields is bad_row, not an empty label', async () => {
  const { checkData } = await import('../pipeline/data/check.ts');
  const { defaultConfig } = await import('../pipeline/core/config.ts');
  const { createRecordingLogger } = await import('../pipeline/core/effects.ts');
  const dir = await makeTempDir();
  const corpus = await makeBadCorpus(dir, 4);
  const manifest = join(dir, 'm.csv');
  await writeFile(manifest, 'id,image,sold,title\na,good-0.jpg,sold,x\nb,good-1.jpg\nc,good-2.jpg,no,y,surplus\nd,good-3.jpg,no,\n');
  const config = await defaultConfig();
  const result = await checkData({
    manifest,
    images: corpus.images,
    format: 'auto',
    columns: config.dataset.columns,
    maxPixels: config.dataset.max_pixels,
    nearDuplicateDistance: 4,
    concurrency: 2,
    logger: createRecordingLogger(),
  });
  assert.deepEqual(
    result.problems.map((p) => [p.line, p.reason, p.detail]),
    [
      [3, 'bad_row', '2 fields where the header has 4; every row needs one field per column'],
      [4, 'bad_row', '5 fields where the header has 4; every row needs one field per column'],
    ],
  );
  assert.deepEqual(result.listings.map((l) => l.id), ['a', 'd']);
});

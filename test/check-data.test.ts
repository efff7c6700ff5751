import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkData } from '../pipeline/data/check.ts';
import { defaultConfig } from '../pipeline/core/config.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { makeBadCorpus, toCsv } from './helpers/bad-corpus.ts';
import { makeTempDir } from './helpers/project.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));

async function check(manifest: string, images: string, columns: Partial<Record<string, string>> = {}) {
  const config = await defaultConfig();
  return checkData({
    manifest,
    images,
    format: 'auto',
    columns: { ...config.dataset.columns, ...columns },
    maxPixels: config.dataset.max_pixels,
    nearDuplicateDistance: 4,
    concurrency: 4,
    logger: createRecordingLogger(),
  });
}

test('every kind of bad input gets its reason and line while good rows proceed', async () => {
  const corpus = await makeBadCorpus(await makeTempDir());
  const manifest = join(corpus.root, 'manifest.csv');
  await writeFile(manifest, toCsv(corpus.rows, ['id', 'image', 'sold', 'group']));
  const result = await check(manifest, corpus.images);
  const got = Object.fromEntries(result.problems.map((p) => [p.id === 'good-1' ? 'good-1' : p.id, p.reason]));
  assert.deepEqual(got, corpus.expected);
  // Lines: header is line 1, so row i (0-based) starts on line i + 2.
  for (const p of result.problems) {
    const index = corpus.rows.findIndex((r, i) => r.id === p.id && i + 2 === p.line);
    assert.ok(index >= 0, `problem ${p.id} names line ${p.line}`);
  }
  assert.equal(result.rows, corpus.rows.length);
  assert.equal(result.usable, corpus.rows.length - Object.keys(corpus.expected).length);
  const usable = new Set(result.listings.map((l) => l.id));
  for (const id of ['png-named-jpg', 'cmyk', '16-bit', 'grey', 'rgba', 'palette', 'exif-rotated', '1x1', 'nested']) assert.ok(usable.has(id), id);
  assert.equal(result.by_label.sold + result.by_label.not_sold, result.usable);
});

test('manifests with every RFC 4180 corner parse, with the line each record starts on', async () => {
  const dir = await makeTempDir();
  const corpus = await makeBadCorpus(dir, 4);
  const manifest = join(dir, 'm.csv');
  const text =
    '\ufeffid,image,sold,title,price\r\n' +
    'a,good-0.jpg,sold,"Dress, red",12.5\r\n' +
    '\r\n' +
    'b,good-1.jpg,no,"Two\r\nlines ""quoted""",3\r\n' +
    'c,good-2.jpg,perhaps,x,1\n' +
    'd,"good-3.jpg",YES,"<script>alert(1)</script>",\r\n' +
    'e,good-0.jpg,sold,x,1,surplus';
  await writeFile(manifest, text);
  const result = await check(manifest, corpus.images);
  const byId = Object.fromEntries(result.listings.map((l) => [l.id, l]));
  assert.equal(byId.a!.title, 'Dress, red');
  assert.equal(byId.a!.price, 12.5);
  assert.equal(byId.a!.line, 2);
  assert.equal(byId.b!.title, 'Two\nlines "quoted"');
  assert.equal(byId.b!.line, 4);
  assert.equal(byId.d!.title, '<script>alert(1)</script>');
  assert.equal(byId.d!.line, 7);
  assert.deepEqual(result.problems.map((p) => [p.id, p.line, p.reason]), [['c', 6, 'bad_label'], ['e', 8, 'bad_row']]);
});

test('JSONL manifests and mapped column names work; a missing required column stops with the file named', async () => {
  const dir = await makeTempDir();
  const corpus = await makeBadCorpus(dir, 3);
  const jsonl = join(dir, 'm.jsonl');
  await writeFile(jsonl, ['{"sku":"x1","photo":"good-0.jpg","status":"sold","seller":"s1"}', '', 'not json', '{"sku":"x2","photo":"good-1.jpg","status":0}'].join('\n'));
  const result = await check(jsonl, corpus.images, { id: 'sku', image: 'photo', sold: 'status', group: 'seller' });
  assert.deepEqual(result.listings.map((l) => [l.id, l.label, l.group, l.line]), [['x1', 'sold', 's1', 1], ['x2', 'not_sold', 'x2', 4]]);
  assert.deepEqual(result.problems.map((p) => [p.line, p.reason]), [[3, 'bad_row']]);

  const csv = join(dir, 'nolabel.csv');
  await writeFile(csv, 'id,image\n1,good-0.jpg\n');
  await assert.rejects(check(csv, corpus.images), /nolabel\.csv:1: no required column 'sold'/);
  await assert.rejects(check(join(dir, 'absent.csv'), corpus.images), /absent\.csv: manifest not found/);
});

test('near-duplicate photos are found (same photo re-encoded and resized)', async () => {
  const dir = await makeTempDir();
  const corpus = await makeBadCorpus(dir, 6);
  const sharp = (await import('sharp')).default;
  await writeFile(join(corpus.images, 'again.jpg'), await sharp(join(corpus.images, 'good-4.jpg')).resize(120).jpeg({ quality: 80 }).toBuffer());
  const manifest = join(dir, 'm.csv');
  await writeFile(manifest, toCsv([...corpus.rows.slice(0, 6), { id: 'again', image: 'again.jpg', sold: 'sold' }], ['id', 'image', 'sold']));
  const result = await check(manifest, corpus.images);
  assert.deepEqual(result.near_duplicates.map((n) => [n.id, n.of_id]), [['again', 'good-4']]);
});

test('study check-data --json prints the contract JSON and exits 0 when a row is usable', async () => {
  const corpus = await makeBadCorpus(await makeTempDir(), 4);
  const manifest = join(corpus.root, 'manifest.csv');
  await writeFile(manifest, toCsv(corpus.rows, ['id', 'image', 'sold', 'group']));
  const run = spawnSync(process.execPath, [bin, 'check-data', '--manifest', manifest, '--images', corpus.images, '--json'], { encoding: 'utf8', cwd: corpus.root });
  assert.equal(run.status, 0, run.stderr);
  const json = JSON.parse(run.stdout);
  assert.deepEqual(Object.keys(json).slice(0, 4), ['rows', 'usable', 'by_label', 'problems']);
  assert.deepEqual(Object.keys(json.by_label), ['not_sold', 'sold']);
  const truncated = json.problems.find((p: { id: string }) => p.id === 'truncated');
  assert.deepEqual(Object.keys(truncated), ['line', 'id', 'image', 'reason', 'detail']);

  await writeFile(manifest, 'id,image,sold\n1,nothing.jpg,sold\n');
  const none = spawnSync(process.execPath, [bin, 'check-data', '--manifest', manifest, '--images', corpus.images, '--json'], { encoding: 'utf8', cwd: corpus.root });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /manifest\.csv: no usable row among 1 \(1 missing\)/);
});

test('photos with the same bytes keep the smallest id whatever the order, so a shuffled manifest gives the same split', async () => {
  const { splitListings } = await import('../pipeline/data/split.ts');
  const { copyFile } = await import('node:fs/promises');
  const corpus = await makeBadCorpus(await makeTempDir());
  // Three more copies of one good photo under ids that sort before and after the original's.
  const good = corpus.rows.find((r) => r.id.startsWith('good-'))!;
  const extra = ['a-copy', 'zz-copy', 'm-copy'].map((id, i) => ({ ...good, id, image: `copy-${i}.jpg`, group: `seller-copy-${i}` }));
  for (const [i] of extra.entries()) await copyFile(join(corpus.images, good.image), join(corpus.images, `copy-${i}.jpg`));
  // Rows repeating an id are left out: for those the contract keeps the first occurrence.
  const rows = [...corpus.rows, ...extra].filter((r, i, all) => all.findIndex((o) => o.id === r.id) === i);
  const splitOf = async (order: typeof rows) => {
    const manifest = join(corpus.root, `manifest-${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(manifest, toCsv(order, ['id', 'image', 'sold', 'group']));
    const result = await check(manifest, corpus.images);
    const split = splitListings(result.listings, result.near_duplicates, { seed: 0, validationFraction: 0.3, testFraction: 0.2, perClass: { train: 100, validation: 100, test: 0 } });
    const kept = result.listings.filter((l) => [good.id, ...extra.map((e) => e.id)].includes(l.id)).map((l) => l.id);
    return { kept, train: split.train.map((l) => l.id).sort(), validation: split.validation.map((l) => l.id).sort() };
  };
  const forward = await splitOf(rows);
  assert.deepEqual(forward.kept, ['a-copy']);
  const shuffled = rows.map((r, i) => [((i * 7919) % 101) + i / 1000, r] as const).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  assert.deepEqual(await splitOf(shuffled), forward);
  assert.deepEqual(await splitOf([...rows].reverse()), forward);
});

/**
 * A researcher's own scrape (issue 24): label values mapped in the config, a class too small
 * to train on, mapped columns that must exist, `;`/tab/`|` separators, a JSONL named .json,
 * decimal commas. Every manifest and photo is made on the fly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkData, checkReport, requireUsable, type CheckOptions } from '../pipeline/data/check.ts';
import { defaultConfig, validateConfig } from '../pipeline/core/config.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { runStages } from '../pipeline/stages.ts';
import { datasetStage } from '../pipeline/data/dataset-stage.ts';
import { cleanPrice, detectDecimal, parsePrice } from '../pipeline/data/price.ts';
import { detectDelimiter } from '../pipeline/data/csv.ts';
import { closestColumn } from '../pipeline/data/manifest.ts';
import { jpeg } from './helpers/images.ts';
import { makeProject, makeTempDir } from './helpers/project.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));

/** A shop's export: `count` photos, columns listing_id, photo_file, status, seller, price_eur. */
async function shop(dir: string, count: number, status: (i: number) => string, price: (i: number) => string = (i) => `${i}.50`) {
  const images = join(dir, 'photos');
  await mkdir(images, { recursive: true });
  const rows = [];
  for (let i = 0; i < count; i++) {
    await writeFile(join(images, `p${i}.jpg`), await jpeg(40, 32, 500 + i));
    rows.push({ listing_id: `L${i}`, photo_file: `p${i}.jpg`, status: status(i), seller: `s${i % 6}`, price_eur: price(i) });
  }
  return { images, rows };
}

const COLUMNS = ['listing_id', 'photo_file', 'status', 'seller', 'price_eur'];
const MAPPING = { id: 'listing_id', image: 'photo_file', sold: 'status', group: 'seller', price: 'price_eur' };

function csv(rows: Record<string, string>[], delimiter = ',', columns = COLUMNS): string {
  const quote = (v: string) => (v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [columns.join(delimiter), ...rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(delimiter))].join('\r\n') + '\r\n';
}

async function check(manifest: string, images: string, extra: Partial<CheckOptions> = {}) {
  const config = await defaultConfig();
  const logger = createRecordingLogger();
  const result = await checkData({
    manifest,
    images,
    format: 'auto',
    maxPixels: config.dataset.max_pixels,
    nearDuplicateDistance: 0,
    concurrency: 2,
    logger,
    ...extra,
    columns: { ...config.dataset.columns, ...MAPPING, ...extra.columns },
  });
  return { result, logger };
}

// ---- A: dataset.label_values -------------------------------------------------------------

test('dataset.label_values maps the sold column (trimmed, any case) and replaces the default vocabulary', async () => {
  const dir = await makeTempDir();
  const values = ['SOLD', ' verkauft ', 'available', 'AVAILABLE', 'sold', 'RESERVED', 'Available', 'Sold'];
  const { images, rows } = await shop(dir, values.length, (i) => values[i]!);
  await writeFile(join(dir, 'm.csv'), csv(rows));
  const { result, logger } = await check(join(dir, 'm.csv'), images, { labelValues: { sold: ['SOLD', 'verkauft'], not_sold: ['AVAILABLE'] } });
  assert.deepEqual(result.listings.map((l) => [l.id, l.label]), [['L0', 'sold'], ['L1', 'sold'], ['L2', 'not_sold'], ['L3', 'not_sold'], ['L4', 'sold'], ['L6', 'not_sold'], ['L7', 'sold']]);
  assert.deepEqual(result.problems.map((p) => [p.id, p.reason]), [['L5', 'bad_label']]);
  assert.match(result.problems[0]!.detail, /'status' is "RESERVED"; expected not_sold: "AVAILABLE"; sold: "SOLD", "verkauft" \(dataset\.label_values\)/);
  assert.deepEqual(result.unrecognised_labels, [{ value: 'RESERVED', count: 1 }]);
  assert.deepEqual(checkReport(result).unrecognised_labels, [{ value: 'RESERVED', count: 1 }]);
  // Default spellings no longer count once label_values is given.
  const strict = await check(join(dir, 'm.csv'), images, { labelValues: { sold: ['verkauft'], not_sold: ['AVAILABLE'] } });
  assert.deepEqual(strict.result.unrecognised_labels, [{ value: 'SOLD', count: 3 }, { value: 'RESERVED', count: 1 }]);
  assert.equal(logger.lines.filter((l) => l.startsWith('warning')).length, 0);
});

test('label_values in the config: validated, and a value under both classes is an error', async () => {
  const config = await validateConfig({ dataset: { label_values: { sold: ['SOLD'], not_sold: ['AVAILABLE'] } } });
  assert.deepEqual(config.dataset.label_values, { sold: ['SOLD'], not_sold: ['AVAILABLE'] });
  assert.equal((await defaultConfig()).dataset.label_values, null);
  await assert.rejects(validateConfig({ dataset: { label_values: { sold: ['SOLD'], not_sold: [' sold '] } } }), /dataset\.label_values lists 'sold' under both sold and not_sold/);
  await assert.rejects(validateConfig({ dataset: { label_values: { sold: ['SOLD'] } } }), /'dataset\.label_values' must have required property 'not_sold'/);
  await assert.rejects(validateConfig({ dataset: { label_values: { sold: ['SOLD'], not_sold: ['x'], maybe: ['y'] } } }), /invalid configuration/);
});

test('check-data ends with a summary of the unrecognised label values (text and --json)', async () => {
  const dir = await makeTempDir();
  const { images, rows } = await shop(dir, 14, (i) => (i < 5 ? 'sold' : i < 10 ? 'no' : 'AVAILABLE'));
  const manifest = join(dir, 'm.csv');
  await writeFile(manifest, csv(rows, ',', ['listing_id', 'photo_file', 'status'].slice(0, 3)).replace('listing_id,photo_file,status', 'id,image,sold'));
  const text = spawnSync(process.execPath, [bin, 'check-data', '--manifest', manifest, '--images', images], { encoding: 'utf8', cwd: dir });
  assert.equal(text.status, 0, text.stderr);
  const lines = (text.stdout + text.stderr).trim().split('\n');
  assert.match(lines.at(-1)!, /4 rows have 'AVAILABLE': map it under dataset\.label_values/);
  const json = spawnSync(process.execPath, [bin, 'check-data', '--manifest', manifest, '--images', images, '--json'], { encoding: 'utf8', cwd: dir });
  assert.equal(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(report).at(-1), 'unrecognised_labels');
  assert.deepEqual(report.unrecognised_labels, [{ value: 'AVAILABLE', count: 4 }]);
});

// ---- B: a class too small to train on ----------------------------------------------------

test('a class with too few usable rows stops check-data and the dataset stage, naming the counts and the unrecognised values', async () => {
  const dir = await makeTempDir();
  const { images, rows } = await shop(dir, 12, (i) => (i % 3 === 0 ? 'AVAILABLE' : 'SOLD'));
  await writeFile(join(dir, 'm.csv'), csv(rows));
  const { result } = await check(join(dir, 'm.csv'), images);
  assert.throws(
    () => requireUsable(result, 'm.csv'),
    /m\.csv: too few usable rows to train on \(not_sold 0, sold 8\): each class needs at least 4 \(2 on each side of the split\); unrecognised sold values: 4 rows have 'AVAILABLE': map it under dataset\.label_values/,
  );
  assert.throws(() => requireUsable(result, 'm.csv', 3), /each class needs at least 6/);

  // check-data exits 1 (the default vocabulary reads SOLD as sold, any case, but not AVAILABLE).
  await writeFile(join(dir, 'plain.csv'), csv(rows).replace('listing_id,photo_file,status', 'id,image,sold'));
  const run = spawnSync(process.execPath, [bin, 'check-data', '--manifest', join(dir, 'plain.csv'), '--images', images, '--json'], { encoding: 'utf8', cwd: dir });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /plain\.csv: too few usable rows to train on \(not_sold 0, sold 8\).*; unrecognised sold values: 4 rows have 'AVAILABLE': map it under dataset\.label_values/);

  // The dataset stage fails before training.
  const loaded = await makeProject({ dataset: { manifest: 'm.csv', images: 'photos', columns: MAPPING, label_values: { sold: ['SOLD'], not_sold: ['gone'] } } });
  await writeFile(loaded.resolved.manifest, csv(rows));
  await mkdir(loaded.resolved.images, { recursive: true });
  for (const r of rows) await writeFile(join(loaded.resolved.images, r.photo_file), await readFile(join(images, r.photo_file)));
  await assert.rejects(runStages([datasetStage], loaded, { logger: createRecordingLogger() }), /too few usable rows to train on \(not_sold 0, sold 8\).*4 rows have 'AVAILABLE'/);

  // Enough rows in all, but one side of the split without a class: the stage still stops.
  const few = await makeProject({ dataset: { manifest: 'm.csv', images: 'photos', columns: { ...MAPPING, group: 'one_seller' }, label_values: { sold: ['SOLD'], not_sold: ['AVAILABLE'] } } });
  await writeFile(few.resolved.manifest, csv(rows.map((r) => ({ ...r, one_seller: 'same' })), ',', [...COLUMNS, 'one_seller']));
  await mkdir(few.resolved.images, { recursive: true });
  for (const r of rows) await writeFile(join(few.resolved.images, r.photo_file), await readFile(join(images, r.photo_file)));
  await assert.rejects(runStages([datasetStage], few, { logger: createRecordingLogger() }), /the (train|validation) side of the split has too few usable rows \(not_sold 0, sold 0\): each class needs at least 2 there/);
});

// ---- C: every mapped column must exist ---------------------------------------------------

test('a dataset.columns entry naming a missing column is an error with the columns found and the closest match', async () => {
  const dir = await makeTempDir();
  const { images, rows } = await shop(dir, 4, (i) => (i % 2 ? 'sold' : 'no'));
  const cols = ['listing_id', 'photo_file', 'status', 'seller', 'price_eur', 'category_name', 'listed_on'];
  await writeFile(join(dir, 'm.csv'), csv(rows, ',', cols));
  await assert.rejects(
    check(join(dir, 'm.csv'), images, { columns: { ...MAPPING, group: 'seller_id' } as never }),
    (error: Error) => {
      assert.equal(error.message, `${join(dir, 'm.csv')}:1: dataset.columns.group is 'seller_id', but the manifest has no such column; found: listing_id, photo_file, status, seller, price_eur, category_name, listed_on; did you mean 'seller'?`);
      return true;
    },
  );
  await assert.rejects(check(join(dir, 'm.csv'), images, { columns: { ...MAPPING, created_at: 'created' } as never }), /dataset\.columns\.created_at is 'created', .*; name one of these, or remove dataset\.columns\.created_at/);
  // JSONL: the first object's keys.
  await writeFile(join(dir, 'm.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  await assert.rejects(check(join(dir, 'm.jsonl'), images, { columns: { ...MAPPING, price: 'price_usd' } as never }), /m\.jsonl:1: dataset\.columns\.price is 'price_usd'.*did you mean 'price_eur'\?/);
  assert.equal(closestColumn('seller_id', ['listing_id', 'seller']), 'seller');
  assert.equal(closestColumn('xyz', ['listing_id', 'seller']), undefined);
});

test('optional columns left at their defaults may be absent; with no group column the split is by listing and says so', async () => {
  const dir = await makeTempDir();
  const { images, rows } = await shop(dir, 10, (i) => (i % 2 ? 'sold' : 'no'));
  await writeFile(join(dir, 'm.csv'), csv(rows, ',', ['listing_id', 'photo_file', 'status']));
  const { result } = await check(join(dir, 'm.csv'), images, { columns: { id: 'listing_id', image: 'photo_file', sold: 'status', group: 'group', price: 'price' } as never });
  assert.equal(result.usable, 10);
  assert.equal(result.grouped_by, null);
  await writeFile(join(dir, 'g.csv'), csv(rows));
  assert.equal((await check(join(dir, 'g.csv'), images)).result.grouped_by, 'seller');

  const page = await readFile(new URL('../content/data-quality.md', import.meta.url), 'utf8');
  assert.match(page, /\{% if dataset\.split\.grouped_by %\}/);
  assert.match(page, /the split is by\s+listing/);
});

// ---- D: delimiters and formats -----------------------------------------------------------

test('the separator is detected from the header; a wrong one names itself and suggests the one the header holds', async () => {
  const dir = await makeTempDir();
  const { images, rows } = await shop(dir, 4, (i) => (i % 2 ? 'sold' : 'no'));
  for (const [d, name] of [[';', 'semi'], ['\t', 'tab'], ['|', 'pipe'], [',', 'comma']] as const) {
    await writeFile(join(dir, `${name}.csv`), csv(rows.map((r) => ({ ...r, title: `a${d}b, c` })), d, [...COLUMNS, 'title']));
    const { result } = await check(join(dir, `${name}.csv`), images);
    assert.equal(result.usable, 4, name);
    assert.equal(result.listings[0]!.title, `a${d}b, c`, name);
  }
  assert.equal(detectDelimiter('a;b;"c,d";e'), ';');
  assert.equal(detectDelimiter('single'), ',');
  await assert.rejects(
    check(join(dir, 'semi.csv'), images, { delimiter: ',' }),
    /semi\.csv:1: no required column 'listing_id' \(id\), 'photo_file' \(image\), 'status' \(sold\) in the header \(found: listing_id;photo_file;status;seller;price_eur;title; fields separated by ','\); the header contains ';': set dataset\.delimiter to ";" \(or "auto"\)/,
  );
  await assert.rejects(check(join(dir, 'tab.csv'), images, { delimiter: ';' }), /fields separated by ';'\); the header contains tabs: set dataset\.delimiter to "tab"/);
  const config = await validateConfig({ dataset: { delimiter: 'tab' } });
  assert.equal(config.dataset.delimiter, 'tab');
  assert.equal((await defaultConfig()).dataset.delimiter, 'auto');
});

test('a .json manifest whose first line is an object is read as JSONL, with a notice', async () => {
  const dir = await makeTempDir();
  const { images, rows } = await shop(dir, 4, (i) => (i % 2 ? 'sold' : 'no'));
  await writeFile(join(dir, 'export.json'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const { result, logger } = await check(join(dir, 'export.json'), images);
  assert.equal(result.usable, 4);
  assert.deepEqual(logger.lines.filter((l) => l.startsWith('warning')), ['warning: export.json is read as JSONL (its first line is a JSON object); set dataset.format to "jsonl" to say so, or to "csv" if it is not']);
});

test('a .json manifest holding one array of objects is read element by element, each with its line', async () => {
  const dir = await makeTempDir();
  const { images, rows } = await shop(dir, 5, (i) => (i % 2 ? 'sold' : 'no'));
  // Pretty-printed as an exporter writes it, with a BOM, a string holding brackets and commas,
  // a nested object and one element that is not an object.
  const elements: unknown[] = rows.map((r, i) => (i === 1 ? { ...r, note: 'a "quoted" [x], {y}', extra: { a: [1, 2] } } : r));
  elements.splice(3, 0, 42);
  await writeFile(join(dir, 'export.json'), '\ufeff' + JSON.stringify(elements, null, 2) + '\n');
  const { result, logger } = await check(join(dir, 'export.json'), images);
  assert.equal(result.rows, 6);
  assert.equal(result.usable, 5);
  assert.deepEqual(result.problems.map((p) => [p.line, p.reason, p.detail]), [[JSON.stringify(elements, null, 2).split('\n').findIndex((l) => l === '  42,') + 1, 'bad_row', 'not a JSON object']]);
  assert.deepEqual(result.listings.map((l) => l.id), ['L0', 'L1', 'L2', 'L3', 'L4']);
  assert.equal(logger.lines.filter((l) => l.startsWith('warning')).length, 0);
  // Forced with dataset.format, whatever the extension.
  await writeFile(join(dir, 'export.txt'), JSON.stringify(rows));
  assert.equal((await check(join(dir, 'export.txt'), images, { format: 'json' })).result.usable, 5);
  // A mapped column that is missing is named, as for CSV.
  await assert.rejects(check(join(dir, 'export.json'), images, { columns: { group: 'seller_id' } as never }), /dataset\.columns\.group is 'seller_id'.*did you mean 'seller'\?/);
  // An array cut short names the file and the line it ended on.
  await writeFile(join(dir, 'cut.json'), JSON.stringify(rows, null, 1).slice(0, -2));
  await assert.rejects(check(join(dir, 'cut.json'), images), /cut\.json:\d+: not a JSON array of objects: the array is not closed with \]/);
});

// ---- E: decimal marks --------------------------------------------------------------------

test('prices: decimal commas are read (auto or forced), currency stripped, an unparsable price is bad_price and the row kept', async () => {
  const dir = await makeTempDir();
  const prices = ['12,50 €', '1.299,00', '€ 3', '7', 'EUR 0,99', 'n/a', '', '1 299,5'];
  const { images, rows } = await shop(dir, prices.length, (i) => (i % 2 ? 'sold' : 'no'), (i) => prices[i]!);
  await writeFile(join(dir, 'excel.csv'), csv(rows, ';'));
  const { result } = await check(join(dir, 'excel.csv'), images);
  assert.equal(result.decimal, ',');
  assert.deepEqual(result.listings.map((l) => l.price), [12.5, 1299, 3, 7, 0.99, undefined, undefined, 1299.5]);
  assert.deepEqual(result.problems.map((p) => [p.id, p.reason]), [['L5', 'bad_price']]);
  assert.match(result.problems[0]!.detail, /'price_eur' is "n\/a": not a price with a comma \(,\) as the decimal mark; the row is kept without a price/);
  assert.equal(result.usable, prices.length, 'a bad_price row is kept');

  // Forced '.', the decimal commas are not truncated: they are reported.
  const forced = await check(join(dir, 'excel.csv'), images, { decimal: '.' });
  assert.deepEqual(forced.result.listings.map((l) => l.price), [undefined, undefined, 3, 7, undefined, undefined, undefined, undefined]);
  assert.deepEqual(forced.result.problems.map((p) => p.id), ['L0', 'L1', 'L4', 'L5', 'L7']);

  // A column mixing 12.50 and 12,50 is ambiguous for "auto": '.', and the comma value is reported.
  await writeFile(join(dir, 'mixed.csv'), csv(rows.slice(0, 3).map((r, i) => ({ ...r, price_eur: ['12.50', '12,50', '1,299'][i]! }))));
  const mixed = await check(join(dir, 'mixed.csv'), images);
  assert.deepEqual(mixed.result.listings.map((l) => l.price), [12.5, undefined, 1299]);
  assert.deepEqual(mixed.result.problems.map((p) => [p.id, p.reason]), [['L1', 'bad_price']]);

  assert.equal(cleanPrice(' 1\u00a0299,00 € '), '1299,00');
  assert.equal(detectDecimal(['1,299', '7']), '.');
  assert.equal(parsePrice('1,299', ','), 1.299);
  assert.ok(Number.isNaN(parsePrice('12,5,0', ',')!));
});

test('the dataset stage reads a ; CSV with decimal commas and SOLD/AVAILABLE through label_values and columns only', async () => {
  const loaded = await makeProject({ dataset: { manifest: 'shop/export.csv', images: 'shop/photos', columns: MAPPING, label_values: { sold: ['SOLD'], not_sold: ['AVAILABLE'] }, train_per_class: 100, validation_per_class: 100, validation_fraction: 0.4 } });
  const { rows } = await shop(join(loaded.root, 'shop'), 24, (i) => (i % 2 ? 'SOLD' : 'AVAILABLE'), (i) => `${i},50 €`);
  await writeFile(loaded.resolved.manifest, csv(rows, ';'));
  const logger = createRecordingLogger();
  await runStages([datasetStage], loaded, { logger });
  const dataset = JSON.parse(await readFile(join(loaded.resolved.data, 'dataset.json'), 'utf8'));
  assert.deepEqual(dataset.by_label, { not_sold: 12, sold: 12 });
  assert.equal(dataset.split.grouped_by, 'seller');
  assert.equal(dataset.price.median, 12);
  assert.deepEqual(dataset.unrecognised_labels, []);
  assert.equal(dataset.excluded, 0);
});

/**
 * The whole pipeline on a dataset with no signal at all: photos, categories and sellers drawn
 * independently of the seeded coin that decides `sold`. The findings must say so (AUC not
 * distinguishable from chance, no cluster that sells differently), and the built report must
 * show them with its Interpretation at the end.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { buildSite } from '../pipeline/site/build.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { loadConfig } from '../pipeline/core/config.ts';
import { createRandom } from '../pipeline/core/random.ts';
import type { FindingsData } from '../pipeline/contracts.ts';
import sharp from 'sharp';
import { makeTempDir } from './helpers/project.ts';
import { repoRoot } from './helpers/site.ts';
import { cp } from 'node:fs/promises';

const LISTINGS = 240;
let findings: FindingsData;
let index: string;

/** A 40 x 40 photo of random 5 x 5 colour blocks: no two are near-duplicates (unlike smooth gradients). */
async function blocks(seed: number): Promise<Buffer> {
  const random = createRandom(seed);
  const colours = Array.from({ length: 64 }, () => [random(), random(), random()].map((v) => Math.floor(v * 256)));
  const pixels = Buffer.alloc(40 * 40 * 3);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) pixels.set(colours[Math.floor(y / 5) * 8 + Math.floor(x / 5)]!, (y * 40 + x) * 3);
  return sharp(pixels, { raw: { width: 40, height: 40, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/** The no-signal dataset as a project; `dataset` adds to its settings. Returns the loaded config. */
async function noSignalProject(dataset: Record<string, unknown> = {}) {
  const root = await makeTempDir('study-nosignal-');
  await mkdir(join(root, 'data/images'), { recursive: true });
  await cp(join(repoRoot, 'content'), join(root, 'content'), { recursive: true });
  const coin = createRandom('no-signal:sold');
  const pick = createRandom('no-signal:category');
  const rows = ['id,image,sold,category,group'];
  for (let i = 0; i < LISTINGS; i++) {
    await writeFile(join(root, 'data/images', `p${i}.jpg`), await blocks(5000 + i));
    rows.push(`p${i},p${i}.jpg,${coin() < 0.5 ? 'sold' : 'not_sold'},${['Coat', 'Dress', 'Shirt', 'Shoes'][Math.floor(pick() * 4)]},seller-${i % 60}`);
  }
  await writeFile(join(root, 'data/manifest.csv'), rows.join('\n') + '\n');
  await writeFile(join(root, 'study.config.json'), JSON.stringify({
    dataset: { manifest: 'data/manifest.csv', images: 'data/images', train_per_class: 50, validation_per_class: 30, validation_fraction: 0.3, ...dataset },
    preprocess: { size: 32 },
    model: { weights: 'none', blocks: [1, 1, 1, 1], width_per_group: 4 },
    train: { epochs: 2, batch_size: 16, micro_batch: 16 },
    gradcam: { layer: 'layer4' },
    clip: { model: join(repoRoot, 'test/fixtures/tiny-clip/model') },
  }));
  const loaded = await loadConfig(join(root, 'study.config.json'));
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  return loaded;
}

before(async () => {
  const loaded = await noSignalProject();
  findings = JSON.parse(await readFile(join(loaded.resolved.data, 'findings.json'), 'utf8'));
  index = await readFile(join(loaded.resolved.site, 'index.html'), 'utf8');
});

const find = (id: string, source: string | null = null) => findings.findings.find((f) => f.id === id && f.source === source);

test('no signal: the network cannot be told apart from chance, and no cluster sells differently', () => {
  const signal = find('image_signal')!;
  assert.equal(signal.verdict, 'not_distinguishable_from_chance', signal.sentence);
  assert.equal(signal.numbers.photos, 60, 'the whole balanced validation set (no near-duplicates dropped)');
  assert.ok((signal.numbers.ci95 as number[])[0]! <= 0.5);
  assert.match(signal.sentence, /does not predict the sale better than chance/);
  for (const source of ['resnet', 'clip']) {
    const sales = find('cluster_sales', source)!;
    assert.ok(sales, `cluster_sales for ${source}`);
    assert.equal(sales.verdict, 'no_cluster_differs', sales.sentence);
    assert.doesNotMatch(sales.sentence, /sells more|sells less|higher|stands out/);
    assert.ok(find('cluster_semantics', source), `cluster_semantics for ${source}`);
  }
  assert.ok(find('image_vs_metadata'), 'the metadata model (category) ran');
  assert.ok(find('category_ranking'));
  assert.ok(find('gradcam_reliance'));
  assert.match(findings.interpretation[0]!, /Not on this data/);
  assert.doesNotMatch(findings.interpretation.join(' '), /simulated/, 'real labels are not called simulated');
});

test('the report opens with the findings, exactly as decided, and ends with the Interpretation', () => {
  const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&(quot|#34);/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
  const at = index.indexOf('id="findings"');
  const results = index.indexOf('id="results"');
  assert.ok(at > 0 && at < results, '#findings comes before the results');
  const list = text(index.slice(at, results));
  for (const f of findings.findings) assert.ok(list.includes(f.sentence), `missing from What we found: ${f.sentence}`);
  const end = index.indexOf('id="interpretation"');
  assert.ok(end > index.indexOf('The published study'), 'Interpretation comes last');
  const closing = text(index.slice(end));
  for (const p of findings.interpretation) assert.ok(closing.includes(p), `missing paragraph: ${p}`);
  for (const f of findings.findings) assert.ok(index.includes(`href="#${f.section}"`) && index.includes(`id="${f.section}"`), `${f.id}: link to #${f.section} has no target`);
});

test('a held-out test set: training and early stopping never see it, and every score comes from it', async () => {
  const loaded = await noSignalProject({ validation_per_class: 15, test_per_class: 20, validation_fraction: 0.2, test_fraction: 0.3 });
  const read = async (file: string) => JSON.parse(await readFile(join(loaded.resolved.data, file), 'utf8'));
  const split = JSON.parse(await readFile(join(loaded.resolved.cache, 'dataset/split.json'), 'utf8')) as { train: { id: string; group: string }[]; validation: { id: string; group: string }[]; test: { id: string; group: string; label: string }[] };
  const dataset = await read('dataset.json');
  assert.equal(split.test.length, 40, JSON.stringify(dataset.split));
  const test = new Set(split.test.map((l) => l.id));
  const seen = [...split.train, ...split.validation];
  assert.ok(seen.every((l) => !test.has(l.id)) && seen.every((l) => !split.test.some((t) => t.group === l.group)), 'the test sellers are nowhere else');
  const [evaluate, train, clusters, baselines, found] = await Promise.all(['evaluate.json', 'train.json', 'clusters_resnet.json', 'baselines.json', 'findings.json'].map(read));
  assert.equal(evaluate.set, 'test');
  assert.equal(evaluate.images, 40);
  assert.equal(train.validation_images, split.validation.length, 'early stopping ran on the validation photos');
  const predictions = JSON.parse(await readFile(join(loaded.resolved.cache, 'evaluate/predictions.json'), 'utf8')).predictions as { id: string }[];
  assert.deepEqual(predictions.map((p) => p.id).sort(), [...test].sort());
  assert.equal(clusters.points.length, 40);
  assert.equal(baselines.image_vs_metadata.photos, 40);
  assert.match(found.findings.find((f: { id: string }) => f.id === 'image_signal').sentence, /on the 40 test photos/);
  const html = await readFile(join(loaded.resolved.site, 'index.html'), 'utf8');
  assert.match(html, /On the 40 test photos the model reached/);
  assert.match(html, /held out from the start/);
  assert.doesNotMatch(html, /chosen by the loss on these same validation photos/);
});

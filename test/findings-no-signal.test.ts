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
import { jpeg } from './helpers/images.ts';
import { makeTempDir } from './helpers/project.ts';
import { repoRoot } from './helpers/site.ts';
import { cp } from 'node:fs/promises';

const LISTINGS = 180;
const root = await makeTempDir('study-nosignal-');
let findings: FindingsData;
let index: string;

before(async () => {
  await mkdir(join(root, 'data/images'), { recursive: true });
  await cp(join(repoRoot, 'content'), join(root, 'content'), { recursive: true });
  const coin = createRandom('no-signal:sold');
  const pick = createRandom('no-signal:category');
  const rows = ['id,image,sold,category,group'];
  for (let i = 0; i < LISTINGS; i++) {
    await writeFile(join(root, 'data/images', `p${i}.jpg`), await jpeg(40, 40, 5000 + i));
    rows.push(`p${i},p${i}.jpg,${coin() < 0.5 ? 'sold' : 'not_sold'},${['Coat', 'Dress', 'Shirt', 'Shoes'][Math.floor(pick() * 4)]},seller-${i % 45}`);
  }
  await writeFile(join(root, 'data/manifest.csv'), rows.join('\n') + '\n');
  await writeFile(join(root, 'study.config.json'), JSON.stringify({
    dataset: { manifest: 'data/manifest.csv', images: 'data/images', train_per_class: 50, validation_per_class: 30, validation_fraction: 0.35 },
    preprocess: { size: 32 },
    model: { weights: 'none', blocks: [1, 1, 1, 1], width_per_group: 4 },
    train: { epochs: 2, batch_size: 16, micro_batch: 16 },
    gradcam: { layer: 'layer4' },
    clip: { model: join(repoRoot, 'test/fixtures/tiny-clip/model') },
  }));
  const loaded = await loadConfig(join(root, 'study.config.json'));
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  findings = JSON.parse(await readFile(join(loaded.resolved.data, 'findings.json'), 'utf8'));
  index = await readFile(join(loaded.resolved.site, 'index.html'), 'utf8');
});

const find = (id: string, source: string | null = null) => findings.findings.find((f) => f.id === id && f.source === source);

test('no signal: the network cannot be told apart from chance, and no cluster sells differently', () => {
  const signal = find('image_signal')!;
  assert.equal(signal.verdict, 'not_distinguishable_from_chance', signal.sentence);
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

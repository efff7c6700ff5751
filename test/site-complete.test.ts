/**
 * The built site shows what `_data` holds: a page that loads is not a page that shows its
 * results. Built once from a small real pipeline run, then checked against the data files.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSite } from '../pipeline/site/build.ts';
import { feature } from '../pipeline/site/filters.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import type { LoadedConfig } from '../pipeline/core/config-types.ts';
import { makeSiteProject } from './helpers/site.ts';
import { readerRows } from '../pipeline/site/chart-readable.ts';

type Json = Record<string, unknown>;
let loaded: LoadedConfig;
let data: Record<string, Json>;
/** Every built page: site path -> HTML. */
let pages: Map<string, string>;
/** Every chart the site rendered: spec hash -> its spec. */
let charts: Map<string, Json>;

async function htmlPages(dir: string, prefix = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) for (const [k, v] of await htmlPages(join(dir, entry.name), `${prefix}${entry.name}/`)) out.set(k, v);
    else if (entry.name.endsWith('.html')) out.set(`${prefix}${entry.name}`, await readFile(join(dir, entry.name), 'utf8'));
  }
  return out;
}

// The project is made at the top level: a temporary folder made inside `before` would be removed
// when that hook ends.
loaded = await makeSiteProject({ dataset: { simulated_labels: true } });
before(async () => {
  // strictConfig: a stage that reads a setting outside its declared slice fails the run.
  await runStages(studyStages, loaded, { logger: createRecordingLogger(), strictConfig: true });
  await buildSite(loaded, createRecordingLogger());
  data = {};
  for (const name of await readdir(loaded.resolved.data)) {
    if (name.endsWith('.json')) data[name.replace(/\.json$/, '')] = JSON.parse(await readFile(join(loaded.resolved.data, name), 'utf8'));
  }
  pages = await htmlPages(loaded.resolved.site);
  charts = new Map();
  const chartDir = join(loaded.resolved.site, 'assets/charts');
  for (const name of await readdir(chartDir)) {
    if (name.endsWith('.vl.json')) charts.set(name.replace('.vl.json', ''), JSON.parse(await readFile(join(chartDir, name), 'utf8')));
  }
});

/** Every string in `value` that names a generated picture. */
function picturePaths(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const match = /\/assets\/generated\/.+\.(jpg|jpeg|png|webp|svg)$/i.exec(value);
    if (match) out.add(match[0]);
  } else if (value && typeof value === 'object') for (const v of Object.values(value)) picturePaths(v, out);
  return out;
}

test('every picture a _data file names is shown on some page, and the file is there', async () => {
  const all = [...pages.values()].join('\n');
  let count = 0;
  for (const [file, value] of Object.entries(data)) {
    for (const picture of picturePaths(value)) {
      count++;
      assert.ok(all.includes(`src="${picture}"`), `_data/${file}.json names ${picture}, which no page shows`);
      assert.ok((await stat(join(loaded.resolved.site, picture))).size > 0, `${picture} is empty in the site`);
    }
  }
  // Overlays, sample sheets and tooltip thumbnails: the small run makes all three kinds.
  for (const kind of ['gradcam/', 'clusters/', 'thumbs/']) assert.ok([...Object.values(data)].some((v) => [...picturePaths(v)].some((p) => p.includes(kind))), `no ${kind} picture in _data`);
  assert.ok(count > 10);
});

/** The chart rows the data files hold, by where they live; each must be drawn by some chart. */
function chartRows(): [string, unknown[]][] {
  const report = data.report as Json;
  const rows: [string, unknown[]][] = [
    ['report.comparison', report.comparison as unknown[]],
    ['report.confusion_rows', report.confusion_rows as unknown[]],
    ['report.roc_rows', report.roc_rows as unknown[]],
    ['report.loss_rows', report.loss_rows as unknown[]],
    ['report.study_metrics', report.study_metrics as unknown[]],
    ['evaluate.score_histogram', (data.evaluate as Json).score_histogram as unknown[]],
    ['evaluate.by_category', (data.evaluate as Json).by_category as unknown[]],
    ['baselines.rows', (data.baselines as Json).rows as unknown[]],
    ['dataset.label_rows', (data.dataset as Json).label_rows as unknown[]],
    ['dataset.problem_rows', (data.dataset as Json).problem_rows as unknown[]],
    ['gradcam.deletion.rows', ((data.gradcam as Json).deletion as Json).rows as unknown[]],
  ];
  for (const [source, c] of Object.entries(report.clusters as Record<string, Json>)) {
    rows.push([`report.clusters.${source}.elbow`, c.elbow as unknown[]], [`report.clusters.${source}.sales`, c.sales as unknown[]]);
    rows.push([`clusters_${source}.points`, (data[`clusters_${source}`] as Json).points as unknown[]]);
  }
  return rows;
}

test('every chart the data describes is rendered, with a non-empty static picture', async () => {
  const all = [...pages.values()].join('\n');
  const rows = chartRows();
  assert.ok(Object.keys((data.report as Json).clusters as object).length === 2, 'both cluster sources ran');
  for (const [where, values] of rows) {
    assert.ok(Array.isArray(values), `${where} is missing from _data`);
    if (values.length === 0) continue;
    // Charts show readers' words ("not sold"): the rows are compared as the chart draws them.
    const hash = [...charts].find(([, spec]) => JSON.stringify((spec.data as Json | undefined)?.values) === JSON.stringify(readerRows(values)))?.[0];
    assert.ok(hash, `${where} (${values.length} rows) is drawn by no chart`);
    const at = all.indexOf(`data-spec="/assets/charts/${hash}.vl.json"`);
    assert.ok(at >= 0, `the chart of ${where} is on no page`);
    const figure = all.slice(at, all.indexOf('</figure>', at));
    const png = /<img src="(\/assets\/charts\/[0-9a-f]+\.png)"/.exec(figure);
    if (png) assert.ok((await stat(join(loaded.resolved.site, png[1]!))).size > 1000, `${where}: empty PNG`);
    else assert.match(figure, /<svg role="img"[^>]*>[\s\S]*<path[\s\S]*<\/svg>/, `${where}: no static SVG with marks`);
  }
});

test('each section of the report whose stage ran shows its figure', () => {
  const index = pages.get('index.html')!;
  const gradcam = data.gradcam as { methods: unknown[]; items: { group: string; picture: string; pictures: { picture: string }[] }[] };
  assert.ok(gradcam.items.length > 0);
  for (const group of ['correct', 'wrong']) {
    const at = index.indexOf(`id="gradcam-${group}"`);
    assert.ok(at >= 0, `no Grad-CAM figure for ${group} predictions`);
    const figure = index.slice(at, index.indexOf('</figure>', at));
    const items = gradcam.items.filter((i) => i.group === group);
    // One overlay per photo and explanation method.
    assert.equal((figure.match(/<img /g) ?? []).length, items.length * gradcam.methods.length, `${group}: every overlay, no other`);
    for (const item of items) for (const { picture } of item.pictures) assert.ok(figure.includes(picture), picture);
    if (items.length) assert.match(figure, /(sold|not sold) · predicted \d+% chance of selling/);
    else assert.match(figure, /no (correct|wrong) predictions/);
  }
  for (const source of ['resnet', 'clip']) {
    const clusters = (data[`clusters_${source}`] as { clusters: { sheet: string }[] }).clusters;
    for (const c of clusters) assert.ok(index.includes(`src="${c.sheet}"`), `${source}: sheet ${c.sheet} missing from the report`);
  }
  assert.match(index, /Beyond the study/);
  // The metadata model names every feature it used.
  const metadata = (data.baselines as { metadata: { features: string[] } | null }).metadata;
  assert.ok(metadata && metadata.features.length > 0);
  // In readers' words (the feature filter), inside the features' list.
  const list = index.slice(index.indexOf('class="feature-list"'), index.indexOf('</details>', index.indexOf('class="feature-list"')));
  for (const name of metadata.features) assert.ok(list.includes(feature(name).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')), `feature ${name} not listed`);
  assert.doesNotMatch(list, /log_price|price_missing|=other/);
  assert.match(index, /Classification report on the validation photos/);
});

test('the findings open the report and each sits where its evidence is; the Interpretation ends it', () => {
  const index = pages.get('index.html')!;
  const findings = data.findings as { findings: { id: string; source: string | null; sentence: string; section: string }[]; interpretation: string[] };
  // Liquid's escape writes quotes as &#34; and &#39;: compare with what a reader's browser shows.
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  const ids = findings.findings.map((f) => `${f.id}${f.source ? `:${f.source}` : ''}`);
  for (const id of ['image_signal', 'image_vs_metadata', 'gradcam_reliance', 'cluster_sales:resnet', 'cluster_sales:clip', 'cluster_semantics:resnet', 'cluster_semantics:clip', 'category_ranking']) assert.ok(ids.includes(id), `no ${id} finding`);
  const top = index.indexOf('id="findings"');
  assert.ok(top > 0 && top < index.indexOf('id="results"'));
  for (const f of findings.findings) {
    const sentence = escape(f.sentence);
    // The manifest's hostile category text reaches sentences as cluster names: escaped, never markup.
    assert.ok(index.indexOf(sentence, top) > 0, `not in What we found: ${f.sentence}`);
    const section = index.indexOf(`id="${f.section}"`);
    assert.ok(section > 0, `no section ${f.section}`);
    assert.ok(index.indexOf(`<p class="finding">${sentence}</p>`, section) > section, `${f.id}: not shown in its section`);
  }
  assert.doesNotMatch(index, /<img src=x onerror/);
  const end = index.indexOf('id="interpretation"');
  assert.ok(end > index.indexOf('published study'));
  for (const p of findings.interpretation) assert.ok(index.indexOf(`<p>${escape(p)}</p>`, end) > end, `paragraph missing: ${p}`);
  assert.ok(findings.interpretation.length >= 3 && findings.interpretation.length <= 6);
  assert.doesNotMatch(index, /honest control|has the highest/);
});

test('hostile text in findings (category names reach cluster names) renders inert', async () => {
  const file = join(loaded.resolved.data, 'findings.json');
  const original = await readFile(file, 'utf8');
  const hostile = '<img src=x onerror=alert(1)> & {{ liquid }} </ul><b>broken</b>';
  try {
    const findings = JSON.parse(original);
    findings.findings[0].sentence = `A cluster named ${hostile} sells.`;
    findings.findings[0].headline = hostile;
    findings.interpretation[0] = `Paragraph with ${hostile}.`;
    await writeFile(file, JSON.stringify(findings));
    await buildSite(loaded, createRecordingLogger());
    const html = await readFile(join(loaded.resolved.site, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<img src=x|<b>broken<\/b>/);
    assert.ok(html.includes('A cluster named &lt;img src=x onerror=alert(1)&gt; &amp; {{ liquid }} &lt;/ul&gt;&lt;b&gt;broken&lt;/b&gt; sells.'), 'the sentence, escaped and not evaluated as Liquid');
    assert.ok(html.includes('<p>Paragraph with &lt;img src=x'));
  } finally {
    await writeFile(file, original);
    await buildSite(loaded, createRecordingLogger());
  }
});

test('no built page contains a path of the machine that built it', () => {
  const home = homedir();
  for (const [page, html] of pages) {
    assert.ok(!html.includes(loaded.root), `${page} contains the project folder ${loaded.root}`);
    if (home.length > 1) assert.ok(!new RegExp(`${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|\\b)`).test(html), `${page} contains the home folder ${home}`);
  }
});

test('the prose says how K was decided', async () => {
  const file = (name: string) => join(loaded.resolved.data, `${name}.json`);
  const original = { clusters: await readFile(file('clusters_resnet'), 'utf8'), baselines: await readFile(file('baselines'), 'utf8') };
  const cases = [
    { k_method: 'knee', knee_k: 3, best_by: 'roc_auc', expect: [/chosen at the knee of the elbow curve/] },
    { k_method: 'no_knee_fallback', knee_k: null, best_by: 'accuracy', expect: [/has no knee/, /falls back to the smallest/] },
    { k_method: 'configured', knee_k: null, best_by: 'roc_auc', expect: [/set in the configuration \(the elbow curve has no knee\)/] },
    { k_method: 'configured', knee_k: 4, best_by: 'roc_auc', expect: [/set in the configuration \(the elbow.s knee was at 4\)/] },
  ];
  try {
    for (const c of cases) {
      await writeFile(file('clusters_resnet'), JSON.stringify({ ...JSON.parse(original.clusters), k_method: c.k_method, knee_k: c.knee_k }));
      await writeFile(file('baselines'), JSON.stringify({ ...JSON.parse(original.baselines), best_by: c.best_by }));
      await buildSite(loaded, createRecordingLogger());
      const html = (await readFile(join(loaded.resolved.site, 'index.html'), 'utf8')).replace(/\s+/g, ' ');
      for (const pattern of c.expect) assert.match(html, pattern, `${c.k_method} / ${c.best_by}`);
      if (c.k_method !== 'knee') assert.doesNotMatch(html.slice(0, html.indexOf('Clustering CLIP')), /chosen at the knee/);
    }
  } finally {
    await writeFile(file('clusters_resnet'), original.clusters);
    await writeFile(file('baselines'), original.baselines);
  }
});

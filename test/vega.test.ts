import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createVegaShortcode } from '../pipeline/site/vega.ts';
import { makeTempDir } from './helpers/project.ts';
import { repoRoot } from './helpers/site.ts';

async function shortcodeIn(dir: string) {
  return createVegaShortcode({ specRoot: join(repoRoot, 'content'), outputDir: join(dir, 'site'), cacheDir: join(dir, 'cache'), pathPrefix: '/' });
}

const page = { page: { inputPath: './content/test.md' } };

test('a small chart is inline SVG with a spec file and a data table', async () => {
  const dir = await makeTempDir();
  const vega = await shortcodeIn(dir);
  const html = await vega.call(page, 'charts/metrics-by-class.vl.json', [{ class: 'sold', metric: 'f1-score', value: 0.6 }], 'F1 of <sold>');
  assert.match(html, /^<figure class="chart"><div class="vega-chart" data-spec="\/assets\/charts\/[0-9a-f]{16}\.vl\.json"><div class="vega-static"><svg role="img" aria-label="F1 of &lt;sold&gt;"/);
  assert.match(html, /<table><caption>F1 of &lt;sold&gt;<\/caption>/);
  const specs = await readdir(join(dir, 'site/assets/charts'));
  assert.equal(specs.length, 1);
});

test('a 12,500-point scatter is rasterised to a PNG instead of megabytes of SVG', async () => {
  const dir = await makeTempDir();
  const vega = await shortcodeIn(dir);
  const values = Array.from({ length: 12500 }, (_, i) => ({ x: Math.sin(i) * i, y: Math.cos(i) * i, cluster: i % 6 }));
  const spec = { mark: 'circle', width: 500, height: 500, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'cluster', type: 'nominal' } } };
  const html = await vega.call(page, spec, values, 't-SNE');
  assert.match(html, /<img src="\/assets\/charts\/[0-9a-f]{16}\.png" alt="t-SNE"/);
  assert.ok(html.length < 20_000, `static HTML is ${html.length} bytes`);
  const png = (await readdir(join(dir, 'site/assets/charts'))).find((f) => f.endsWith('.png'))!;
  const bytes = await readFile(join(dir, 'site/assets/charts', png));
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  // The second render of the same spec comes from the cache.
  const started = performance.now();
  assert.equal(await vega.call(page, spec, values, 't-SNE'), html);
  assert.ok(performance.now() - started < 1000);
});

test('a chart that would fetch data from another host fails the build', async () => {
  const dir = await makeTempDir();
  const vega = await shortcodeIn(dir);
  await assert.rejects(
    vega.call(page, { data: { url: 'https://example.com/data.json' }, mark: 'point' }),
    /test\.md: chart data from https:\/\/example\.com\/data\.json would leave the site/,
  );
  await assert.rejects(vega.call(page, 'charts/nope.vl.json'), /test\.md: chart spec file not found: charts\/nope\.vl\.json/);
});

test('every chart spec the site emits is valid Vega-Lite (its JSON Schema)', async () => {
  const schema = JSON.parse(await readFile(join(repoRoot, 'node_modules/vega-lite/build/vega-lite-schema.json'), 'utf8'));
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const dir = await makeTempDir();
  const vega = await shortcodeIn(dir);
  for (const file of await readdir(join(repoRoot, 'content/charts'))) {
    await vega.call(page, `charts/${file}`, [{ class: 'sold', metric: 'recall', value: 0.5 }]);
  }
  const emitted = (await readdir(join(dir, 'site/assets/charts'))).filter((f) => f.endsWith('.vl.json'));
  assert.ok(emitted.length >= 1);
  for (const file of emitted) {
    const spec = JSON.parse(await readFile(join(dir, 'site/assets/charts', file), 'utf8'));
    assert.ok(validate(spec), `${file}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
});

test('the static-rendering cache is keyed by spec, library versions and options, and written atomically', async () => {
  const { renderingKey } = await import('../pipeline/site/vega.ts');
  const { writeFile } = await import('node:fs/promises');
  const spec = { mark: 'bar', data: { values: [{ a: 1 }] }, encoding: { y: { field: 'a', type: 'quantitative' } } };
  const now = renderingKey(spec);
  assert.notEqual(renderingKey(spec, { vega: '6.3.0', 'vega-lite': '6.4.0' }), now, 'a vega upgrade renders afresh');
  assert.notEqual(renderingKey(spec, { vega: (await import('vega')).version, 'vega-lite': '6.0.0' }), now, 'a vega-lite upgrade renders afresh');
  assert.notEqual(renderingKey({ ...spec, mark: 'point' }), now);

  const dir = await makeTempDir();
  const vega = await shortcodeIn(dir);
  const first = await vega.call(page, spec, undefined, 'Bars');
  const cached = await readdir(join(dir, 'cache/charts'));
  assert.equal(cached.length, 1, `one rendering, no temporary left: ${cached}`);
  assert.match(cached[0]!, /^[0-9a-f]{24}\.svg$/);
  // A rendering cut short (as a kill during a plain write would leave it) is not served.
  await writeFile(join(dir, 'cache/charts', cached[0]!), '<svg role="img"><g><path d="M0');
  const again = await (await shortcodeIn(dir)).call(page, spec, undefined, 'Bars');
  assert.equal(again, first);
});

/**
 * The report's picture figures (issue 23, items 4 and 5): the Grad-CAM grids (columns that divide
 * the draw, captions in readers' words, a colour scale equal to the overlays' map) and the cluster
 * pages (previous / next links that resolve, a small map in the cluster's colour on the report's
 * map, sample sheets with 1x and 2x files and sold photos badged).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { Liquid } from 'liquidjs';
import { chromium } from 'playwright-core';
import { heatmapGradient } from '../pipeline/explain/overlay.ts';
import { clusterColour, clusterMap, clusterPages } from '../pipeline/report/assemble.ts';
import { sampleSheet } from '../pipeline/cluster/cluster-stage.ts';
import { chartConfig } from '../pipeline/site/chart-theme.ts';
import { percent } from '../pipeline/site/filters.ts';
import type { ClusterData, GradcamData, ReportData } from '../pipeline/contracts.ts';
import { buildSite } from '../pipeline/site/build.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import type { LoadedConfig } from '../pipeline/core/config-types.ts';
import { makeSiteProject, repoRoot } from './helpers/site.ts';
import { serveStatic } from './helpers/static-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const noBrowser = !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM}: apt-get install chromium` : false;

// The small real project is made at the top level, before any test is defined (as in
// site-complete.test.ts): a folder made inside `before` would be removed when that hook ends.
let report: ReportData;
const loaded: LoadedConfig = await makeSiteProject({ dataset: { simulated_labels: true } });
const site = (path: string) => readFile(join(loaded.resolved.site, path), 'utf8');

// ---- Grad-CAM grid, rendered alone from made-up items ----

/** The grid include as the site's Liquid renders it (same options; `url` is the identity here). */
async function renderGrid(gradcam: Partial<GradcamData>): Promise<string> {
  const engine = new Liquid({ root: join(repoRoot, 'content/_includes'), extname: '.liquid', strictVariables: true, lenientIf: true, jsTruthy: true });
  engine.registerFilter('url', (s: unknown) => s);
  engine.registerFilter('percent', (v: unknown, d?: number) => percent.call(undefined, v, d));
  const methods = [{ id: 'gradcam', name: 'Grad-CAM', about: 'a', same_peak: null }, { id: 'gradcam++', name: 'Grad-CAM++', about: 'b', same_peak: 3 }];
  const full = { methods, layer: 'layer3', target: 'predicted', resolution: [4, 4], thumbnails: 'full', threshold: 0.5, items: [], deletion: null, ...gradcam };
  return engine.renderFile('gradcam-grid', { gradcam: full, evaluate: { set: 'validation' } });
}

function items(perCell: number, category: (i: number) => string | null = () => 'Shorts'): GradcamData['items'] {
  const out: GradcamData['items'] = [];
  for (const group of ['correct', 'wrong'] as const)
    for (const truth of ['sold', 'not_sold'] as const)
      for (let i = 0; i < perCell; i++) {
        const soldPredicted = (group === 'correct') === (truth === 'sold');
        out.push({ group, truth, predicted: soldPredicted ? 'sold' : 'not_sold', target: 'sold', score: soldPredicted ? 0.64 : 0.26, category: category(i), picture: `/assets/generated/gradcam/${out.length}.jpg`, pictures: [{ method: 'gradcam', picture: `/assets/generated/gradcam/${out.length}.jpg`, strongest: 'centre' }, { method: 'gradcam++', picture: `/assets/generated/gradcam/pp-${out.length}.jpg`, strongest: 'top left' }], strongest: 'centre' });
      }
  return out;
}

const attr = (html: string, name: string) => [...html.matchAll(new RegExp(`${name}="(\\d+)"`, 'g'))].map((m) => Number(m[1]));

test('the Grad-CAM grid: columns divide the draw on a desktop and a phone, with no size hard-coded', async () => {
  for (let n = 1; n <= 12; n++) {
    const html = await renderGrid({ items: items(n) });
    const [wide] = attr(html, 'data-columns');
    const [narrow] = attr(html, 'data-columns-narrow');
    // Four blocks (group x true outcome), each with one list of n tiles, all cut alike.
    assert.equal(attr(html, 'data-columns').length, 4, `n = ${n}`);
    assert.ok(wide! >= 1 && wide! <= 5 && narrow! >= 1 && narrow! <= 3, `n = ${n}: ${wide} / ${narrow}`);
    const hasDivisor = [3, 4, 5].some((d) => n % d === 0);
    if (hasDivisor || n < 6) assert.equal(n % wide!, 0, `n = ${n}: ${wide} columns on a desktop`);
    if (n % 2 === 0 || n % 3 === 0 || n === 1) assert.equal(n % narrow!, 0, `n = ${n}: ${narrow} columns on a phone`);
  }
  assert.deepEqual([attr(await renderGrid({ items: items(4) }), 'data-columns')[0], attr(await renderGrid({ items: items(4) }), 'data-columns-narrow')[0]], [4, 2]);
  // An uneven draw (fewer wrong predictions) keeps the columns of the largest block.
  const uneven = items(4).filter((it, i) => !(it.group === 'wrong' && it.truth === 'sold' && i % 4 > 0));
  assert.deepEqual(attr(await renderGrid({ items: uneven }), 'data-columns'), [4, 4, 4, 4]);
});

test('the Grad-CAM grid: readers\' words, outcomes apart and labelled, the draw explained, the colour scale', async () => {
  const html = await renderGrid({ items: items(4, (i) => (i === 0 ? null : i === 1 ? '<b>Tops</b>' : 'Shorts')) });
  assert.doesNotMatch(html, /not_sold|T: |P: /);
  const captions = [...html.matchAll(/<span class="cam-caption">([^<]*)<\/span>/g)].map((m) => m[1]!);
  assert.equal(captions.length, 16);
  for (const c of captions) assert.match(c, /^(?:[^·]+ · )?(sold|not sold) · predicted \d+% chance of selling$/, c);
  assert.ok(captions.includes('Shorts · sold · predicted 64% chance of selling'));
  assert.ok(captions.includes('not sold · predicted 26% chance of selling'), 'no category, no leading dot');
  assert.ok(captions.includes('&lt;b&gt;Tops&lt;/b&gt; · sold · predicted 64% chance of selling'), 'the category escaped');
  // Each figure keeps its true outcomes apart, each block labelled.
  for (const group of ['correct', 'wrong']) {
    const at = html.indexOf(`id="gradcam-${group}"`);
    const figure = html.slice(at, html.indexOf('</figure>', at));
    assert.equal((figure.match(/class="cam-outcome-label"/g) ?? []).length, 2);
    const [soldBlock, notSoldBlock] = figure.split('class="cam-outcome-label"').slice(1);
    assert.doesNotMatch(soldBlock!, / not sold · /);
    assert.doesNotMatch(notSoldBlock!, /· sold · /);
  }
  assert.match(html, /Sold, but predicted not to/);
  assert.match(html, /Not sold, but predicted to sell/);
  assert.match(html.replace(/\s+/g, ' '), /random draw, fixed by the build's seed.*up to 4 of the validation photos/);
  assert.match(html, /class="cam-scale" role="img" aria-label="[^"]*where the network looked/i);
  assert.match(html, /<span class="cam-scale-end">low<\/span><span class="cam-scale-bar"><\/span><span class="cam-scale-end">high<\/span>/);
  assert.match(await renderGrid({ items: items(4).filter((i) => i.group === 'correct') }), /The model made no wrong predictions/);
  // One photo per tile: each method's map, in the methods' order, labelled and described on its own.
  const tiles = [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
  assert.equal(tiles.length, 16);
  for (const [i, tile] of tiles.entries()) {
    const sources = [...tile.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    assert.equal(sources.length, 2, `tile ${i}`);
    assert.match(sources[0]!, /\/gradcam\/\d+\.jpg$/);
    assert.match(sources[1]!, /\/gradcam\/pp-\d+\.jpg$/);
    assert.deepEqual([...tile.matchAll(/class="cam-method-label">([^<]+)</g)].map((m) => m[1]), ['Grad-CAM', 'Grad-CAM++']);
    assert.match(tile, /alt="Grad-CAM overlay on a [^"]*the network looked most at the centre"/);
    assert.match(tile, /alt="Grad-CAM\+\+ overlay on a [^"]*the network looked most at the top left"/);
  }
});

test('with one method, a tile is one map with no method label', async () => {
  const html = await renderGrid({ items: items(4), methods: [{ id: 'gradcam', name: 'Grad-CAM', about: 'a', same_peak: null }] });
  const tiles = [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
  assert.equal(tiles.length, 16);
  for (const tile of tiles) assert.equal((tile.match(/<img /g) ?? []).length, 1);
  assert.doesNotMatch(html, /cam-method-label/);
  assert.match(html, /class="cam-scale"/);
});

test('the colour scale is the overlays\' colour map', async () => {
  const css = await readFile(join(repoRoot, 'assets/css/figures.css'), 'utf8');
  const rule = /\.cam-scale-bar \{[^}]*background: ([^;]+);/.exec(css);
  assert.ok(rule, 'no background on .cam-scale-bar');
  assert.equal(rule[1], heatmapGradient(), 'paste heatmapGradient() from pipeline/explain/overlay.ts into figures.css');
  const layout = await readFile(join(repoRoot, 'content/_layouts/default.liquid'), 'utf8');
  assert.match(layout, /<link rel="stylesheet" href="\{\{ '\/assets\/css\/figures\.css' \| url \}\}">/);
});

// ---- Cluster pages' data ----

function clustering(k: number, source: 'resnet' | 'clip' = 'resnet'): ClusterData {
  const names = ['Shorts', 'Mixed (cluster 1)', 'Pants', 'Dress', 'Shirt', 'Coats', 'Hats', 'Bags', 'Shoes', 'Tops'].slice(0, k);
  const points = Array.from({ length: 60 }, (_, i) => ({ x: (i % 10) - 5 + (i % 7) * 0.01, y: Math.floor(i / 10) * 2 - 5, cluster: i % k, name: names[i % k]!, label: (i % 3 ? 'sold' : 'not_sold') as 'sold' | 'not_sold', category: null, image: null }));
  const clusters = names.map((name, cluster) => ({
    cluster, name, size: 60 / k, sold: 1, sold_rate: 0.5, ci95: [0.2, 0.8] as [number, number], difference: 0, difference_ci95: null, z: null, p_value: null, p_holm: null, testable: false, significant: false,
    sheet: `/assets/generated/clusters/${source}-${cluster}.jpg`, sheet_2x: `/assets/generated/clusters/${source}-${cluster}-2x.jpg`, sheet_width: 480, sheet_height: 480, sheet_images: 25, sheet_sold: 10, top_categories: [],
  }));
  // Stored out of order: the pages follow the cluster numbers.
  return { source, space: 'tsne', images: 60, dimensions: 8, normalised: false, perplexity: 5, theta: 0.5, elbow: [], knee_k: null, k, k_method: 'configured', inertia: 1, overall_rate: 0.5, clusters: clusters.reverse(), semantics: null, points };
}

test('cluster pages: previous / next within one clustering, in cluster order', () => {
  const pages = clusterPages([clustering(4), clustering(3, 'clip')]);
  assert.deepEqual(pages.map((p) => p.slug), ['resnet-0', 'resnet-1', 'resnet-2', 'resnet-3', 'clip-0', 'clip-1', 'clip-2']);
  assert.deepEqual(pages.map((p) => p.previous?.slug ?? null), [null, 'resnet-0', 'resnet-1', 'resnet-2', null, 'clip-0', 'clip-1']);
  assert.deepEqual(pages.map((p) => p.next?.slug ?? null), ['resnet-1', 'resnet-2', 'resnet-3', null, 'clip-1', 'clip-2', null]);
  assert.deepEqual(pages.map((p) => p.position), [1, 2, 3, 4, 1, 2, 3]);
  assert.equal(pages[1]!.previous!.name, 'Shorts');
});

test('cluster pages: the small map holds every point once per pixel, this cluster apart, inside its box', () => {
  const data = clustering(4);
  const map = clusterMap(data.points, 2, '#000000');
  const dots = (d: string) => [...d.matchAll(/M(\d+) (\d+)h0/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(dots(map.members).length, 15);
  assert.equal(map.member_points, 15);
  assert.equal(map.all_points, 60);
  for (const [x, y] of [...dots(map.members), ...dots(map.others)]) assert.ok(x! >= 0 && x! <= map.width && y! >= 0 && y! <= map.height, `${x},${y} outside ${map.width}x${map.height}`);
  assert.ok(map.height >= 180 && map.height <= 320);
  // y grows upwards, as on the report's map: the lowest data row is drawn at the bottom.
  const lowest = data.points.filter((p) => p.y === -5 && p.cluster === 2);
  assert.ok(lowest.length > 0 && Math.max(...dots(map.members).map(([, y]) => y!)) > map.height / 2);
  // Two points on one pixel are drawn once.
  const twin = clusterMap([...data.points, { ...data.points[0]!, x: data.points[0]!.x + 1e-6 }], 0, '#000000');
  assert.equal(dots(twin.members).length, dots(clusterMap(data.points, 0, '#000000').members).length);
  assert.deepEqual(clusterMap([], 0, '#000000').members, '');
});

test("cluster pages: each cluster's mark has its colour on the report's t-SNE map", async () => {
  const data = clustering(10);
  const spec = JSON.parse(await readFile(join(repoRoot, 'content/charts/tsne.vl.json'), 'utf8'));
  const { spec: compiled } = compile({ ...spec, data: { values: data.points }, config: { ...chartConfig, ...(spec.config ?? {}) } } as TopLevelSpec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  await view.runAsync();
  const colour = view.scale('color') as (name: string) => string;
  const names = data.points.map((p) => p.name);
  for (const c of data.clusters) assert.equal(clusterColour(c.name, names).toLowerCase(), String(colour(c.name)).toLowerCase(), `${c.name}: the page's mark and the map disagree`);
  for (const page of clusterPages([data])) assert.equal(page.map.colour, clusterColour(page.name, names));
  view.finalize();
});

test('sample sheets: a badge marks each photo that sold, in its top-right corner', async () => {
  const tile = 96;
  const grey = Buffer.alloc(tile * tile * 3, 120);
  const sheet = await sampleSheet([grey, grey, grey], [true, false, true], 2, tile);
  const { data, info } = await sharp(sheet).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [2 * tile, 2 * tile]);
  const px = (t: number, x: number, y: number) => data[((Math.floor(t / 2) * tile + y) * info.width + (t % 2) * tile + x) * info.channels]!;
  // The badge (22% of the tile, 4% in from the corner): white above the triangle's apex, dark in its body.
  const [badge, inset] = [Math.round(tile * 0.22), Math.round(tile * 0.04)];
  const centre = tile - inset - badge / 2;
  for (const t of [0, 2]) {
    assert.ok(px(t, Math.round(centre), inset + 2) > 220, `tile ${t}: no white badge`);
    assert.ok(px(t, Math.round(centre), Math.round(inset + badge * 0.6)) < 80, `tile ${t}: no dark triangle`);
  }
  assert.ok(Math.abs(px(1, Math.round(centre), inset + 2) - 120) < 12 && Math.abs(px(1, Math.round(centre), Math.round(inset + badge * 0.6)) - 120) < 12, 'the unsold photo is untouched');
});

// ---- The built site ----

before(async () => {
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  report = JSON.parse(await readFile(join(loaded.resolved.data, 'report.json'), 'utf8'));
});

test('built cluster pages: previous / next links resolve to their neighbours, and back', async () => {
  assert.ok(report.cluster_pages.length >= 2);
  for (const page of report.cluster_pages) {
    const html = await site(`clusters/${page.slug}/index.html`);
    const link = (rel: string) => new RegExp(`rel="${rel}" href="/clusters/([^/"]+)/"`).exec(html)?.[1] ?? null;
    assert.equal(link('prev'), page.previous?.slug ?? null, `${page.slug}: previous`);
    assert.equal(link('next'), page.next?.slug ?? null, `${page.slug}: next`);
    for (const [rel, back] of [['prev', 'next'], ['next', 'prev']] as const) {
      const to = link(rel);
      if (!to) continue;
      const neighbour = await site(`clusters/${to}/index.html`);
      assert.ok(neighbour.includes(`rel="${back}" href="/clusters/${page.slug}/"`), `${to} does not link back to ${page.slug}`);
      assert.equal(report.cluster_pages.find((p) => p.slug === to)!.source, page.source, 'neighbours share a clustering');
    }
    // The small map: inline SVG with an accessible name, this cluster drawn in its colour.
    assert.match(html, /<svg role="img" aria-labelledby="cluster-map-title"[^>]*>\s*<title id="cluster-map-title">[^<]+<\/title>/);
    assert.ok(html.includes(`stroke="${page.map.colour}"`));
    assert.match(html, /class="map-members" d="(M\d+ \d+h0)+"/);
    assert.doesNotMatch(html, /not_sold/);
  }
});

test('built sample sheets: 1x and 2x files exist at the sizes the markup says, sold photos counted', async () => {
  for (const page of report.cluster_pages) {
    const html = await site(`clusters/${page.slug}/index.html`);
    const img = /<figure class="cluster-sheet">\s*<img ([^>]+)>/.exec(html)?.[1];
    assert.ok(img, `${page.slug}: no sheet`);
    const srcset = /srcset="([^"]+)"/.exec(img)![1]!.split(',').map((s) => s.trim().split(' '));
    assert.deepEqual(srcset.map(([, d]) => d), ['1x', '2x']);
    const width = Number(/width="(\d+)"/.exec(img)![1]);
    const height = Number(/height="(\d+)"/.exec(img)![1]);
    for (const [path, density] of srcset) {
      const meta = await sharp(join(loaded.resolved.site, path!)).metadata();
      const scale = density === '2x' ? 2 : 1;
      assert.deepEqual([meta.width, meta.height], [width * scale, height * scale], `${path} is not ${density} of ${width}x${height}`);
    }
    assert.ok(page.sheet_sold >= 0 && page.sheet_sold <= page.sheet_images);
    assert.match(html, page.sheet_sold ? /class="sold-badge"/ : /none of them sold/);
  }
  const index = await site('index.html');
  for (const page of report.cluster_pages) assert.ok(index.includes(`srcset="${page.sheet} ${page.sheet_width}w, ${page.sheet_2x} ${page.sheet_width * 2}w"`), `${page.slug}: the report's gallery offers both sheets`);
});

test('built Grad-CAM grids: captions in readers\' words, columns dividing the draw in Chromium at 1280 and 390 px', { skip: noBrowser, timeout: 120_000 }, async () => {
  const index = await site('index.html');
  const grid = index.slice(index.indexOf('class="cam-method"'), index.indexOf('class="cam-scale"'));
  assert.doesNotMatch(grid, /not_sold/);
  assert.match(grid, /(sold|not sold) · predicted \d+% chance of selling/);
  const server = await serveStatic(loaded.resolved.site);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    for (const width of [1280, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(server.url + '/', { waitUntil: 'load' });
      const lists = await page.evaluate(() =>
        [...document.querySelectorAll('.cam-tiles')].map((ul) => ({ tiles: ul.children.length, columns: getComputedStyle(ul).gridTemplateColumns.split(' ').length, wide: Number(ul.getAttribute('data-columns')), narrow: Number(ul.getAttribute('data-columns-narrow')) })),
      );
      assert.ok(lists.length > 0);
      const largest = Math.max(...lists.map((l) => l.tiles));
      for (const l of lists) {
        assert.equal(l.columns, width > 600 ? l.wide : l.narrow, `${width} px: the CSS grid follows the markup`);
        if ([3, 4, 5].some((d) => largest % d === 0) || largest < 6) assert.equal(largest % l.columns, 0, `${width} px: ${l.columns} columns for ${largest} photos`);
      }
      const bar = await page.evaluate(() => getComputedStyle(document.querySelector('.cam-scale-bar')!).backgroundImage);
      assert.match(bar, /linear-gradient/);
      // These figures fit the text column (the page's charts are another test's business).
      const wider = await page.evaluate(() => {
        const column = document.querySelector('main')!.getBoundingClientRect();
        return [...document.querySelectorAll('.cam-group, .cam-scale, .sheet-gallery')].filter((e) => e.getBoundingClientRect().right > column.right + 1 || e.scrollWidth > e.clientWidth + 1).map((e) => e.className);
      });
      assert.deepEqual(wider, [], `${width} px: figures wider than the column`);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test("the second method's paragraph: what it is, and each agreement case in its own words", async () => {
  const engine = new Liquid({ root: join(repoRoot, 'content/_includes'), extname: '.liquid', strictVariables: true, lenientIf: true, jsTruthy: true });
  const render = (methods: unknown[], shown: number) => engine.renderFile('gradcam-methods', { gradcam: { methods, items: Array.from({ length: shown }) } });
  const first = { id: 'gradcam', name: 'Grad-CAM', about: 'a', same_peak: null };
  const plus = (same: number) => ({ id: 'gradcam++', name: 'Grad-CAM++', about: 'counts only the places where a channel pushes the score up', same_peak: same });
  assert.equal((await render([first], 16)).trim(), '', 'one method: nothing to say');
  const text = async (same: number) => (await render([first, plus(same)], 16)).replace(/\s+/g, ' ');
  assert.match(await text(16), /a second explanation method shown as a cross-check\. Grad-CAM\+\+ is computed from the same network and photo, but weighs the network's signals differently: it counts only the places .* On 16 of the 16 photos its strongest point falls in the same region of the photo as Grad-CAM's: the two agree on where the network looked\./);
  assert.match(await text(8), /On 8 of the 16 photos .*; where they disagree, neither map alone says where the network looked\./);
  assert.match(await text(3), /On 3 of the 16 photos .*: they mostly disagree, so neither map alone says where the network looked\./);
  assert.match(await text(3), /a map that is nearly even looks warm all over: it marks no region in particular\.<\/p>/);
});

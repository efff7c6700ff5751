/**
 * The built report read on a phone (390 px) and a laptop (1280 px) in Chromium: no page scrolls
 * sideways, no chart is wider than its box, charts fill the text column on a desktop, tooltips
 * and menus speak to readers, and the reader's pages carry no internal names, paths or commands.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildSite } from '../pipeline/site/build.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import type { LoadedConfig } from '../pipeline/core/config-types.ts';
import { makeSiteProject } from './helpers/site.ts';
import { serveStatic } from './helpers/static-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM}: apt-get install chromium` : false;

let loaded: LoadedConfig;
let site: { url: string; close(): Promise<void> };
let browser: Browser;
const READER_PAGES = ['/', '/data-quality/', '/clusters/resnet-0/', '/clusters/clip-0/'];
const ALL_PAGES = [...READER_PAGES, '/methods/', '/starting-weights/'];

// Made at the top level: a temporary folder made inside `before` is removed when the hook ends.
if (!skip) loaded = await makeSiteProject({ dataset: { simulated_labels: true } });
before(async () => {
  if (skip) return;
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  site = await serveStatic(loaded.resolved.site);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(path: string, width: number): Promise<Page | null> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const response = await page.goto(site.url + path, { waitUntil: 'networkidle' });
  if (!response || response.status() === 404) {
    await page.close();
    return null;
  }
  await page.waitForFunction(() => [...document.querySelectorAll('.vega-chart')].every((c) => c.classList.contains('is-interactive') || c.classList.contains('is-static-only')), undefined, { timeout: 30_000 });
  return page;
}

/** Each chart: its box's width and the drawn chart's width. */
const chartWidths = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('.vega-chart')].map((c) => {
      const drawn = c.querySelector('.vega-interactive canvas, .vega-interactive svg.marks') ?? c.querySelector('.vega-static svg, .vega-static img');
      return { box: c.getBoundingClientRect().width, drawn: drawn ? drawn.getBoundingClientRect().width : 0, label: c.closest('figure')?.querySelector('figcaption')?.textContent ?? '' };
    }),
  );

test('at 390 px no page scrolls sideways and no chart is wider than its box', { skip, timeout: 240_000 }, async () => {
  let pages = 0;
  for (const path of ALL_PAGES) {
    const page = await open(path, 390);
    if (!page) continue;
    pages++;
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => {
      if (e.getBoundingClientRect().right <= 391) return false;
      for (let p = e.parentElement; p; p = p.parentElement) if (getComputedStyle(p).overflowX !== 'visible') return false;
      return true;
    }).slice(0, 3).map((e) => `<${e.tagName.toLowerCase()} class="${e.className}">${(e.textContent ?? '').slice(0, 40)}`));
    assert.ok(scroll <= 390, `${path}: the page is ${scroll} px wide at a 390 px viewport (${wide.join('; ')})`);
    for (const c of await chartWidths(page)) assert.ok(c.drawn <= c.box + 1, `${path}: chart "${c.label}" is ${c.drawn} px in a ${c.box} px box`);
    await page.close();
  }
  assert.ok(pages >= 5, `${pages} pages checked`);
});

test('at 1280 px every chart on the report fills at least 80% of the text column', { skip, timeout: 120_000 }, async () => {
  const page = (await open('/', 1280))!;
  const column = await page.evaluate(() => {
    const article = document.querySelector('main article') ?? document.querySelector('main')!;
    const style = getComputedStyle(article);
    return article.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  });
  const charts = await chartWidths(page);
  assert.ok(charts.length >= 8, `${charts.length} charts`);
  for (const c of charts) assert.ok(c.drawn >= 0.8 * column, `chart "${c.label}" is ${Math.round(c.drawn)} px of a ${column} px column`);
  // Live charts keep the static picture's accessible label; the menu only saves pictures.
  const unlabelled = await page.evaluate(() => [...document.querySelectorAll('.vega-interactive')].filter((e) => !e.getAttribute('aria-label')).length);
  assert.equal(unlabelled, 0, 'every live chart has an aria-label');
  const menu = await page.evaluate(() => [...new Set([...document.querySelectorAll('.vega-actions a')].map((a) => a.textContent!.trim()))]);
  assert.ok(menu.length > 0 && menu.every((m) => /^Save as (SVG|PNG)$/.test(m)), `actions: ${menu.join(', ')}`);
  await page.close();
});

test('tooltips name readers\' fields with rounded numbers; the loss curve has a legend', { skip, timeout: 120_000 }, async () => {
  const page = (await open('/', 1280))!;
  const specs = await page.evaluate(async () => Promise.all([...document.querySelectorAll('.vega-chart[data-spec]')].map(async (c) => (await fetch(c.getAttribute('data-spec')!)).json())));
  const marks: { tooltip: unknown; encoding: Record<string, unknown> }[] = [];
  const walk = (node: Record<string, unknown>, encoding: Record<string, unknown> = {}) => {
    const enc = { ...encoding, ...((node.encoding as Record<string, unknown>) ?? {}) };
    if (node.mark) marks.push({ tooltip: typeof node.mark === 'object' ? (node.mark as Record<string, unknown>).tooltip : undefined, encoding: enc });
    for (const child of (node.layer as Record<string, unknown>[]) ?? []) walk(child, enc);
    if (node.spec) walk(node.spec as Record<string, unknown>, enc);
  };
  for (const spec of specs) walk(spec);
  for (const m of marks) {
    if (!m.tooltip && !m.encoding.tooltip) continue;
    const tips = m.encoding.tooltip as { field: string; type: string; format?: string }[];
    assert.ok(Array.isArray(tips) && tips.length > 0, 'a mark with a tooltip lists its fields');
    for (const t of tips) {
      assert.ok(!t.field.startsWith('_'), `tooltip field ${t.field}`);
      if (t.type === 'quantitative') assert.ok(t.format, `tooltip ${t.field} is rounded`);
    }
  }
  const lossLegend = await page.evaluate(() => {
    const figure = [...document.querySelectorAll('figure.chart')].find((f) => /loss per epoch/i.test(f.querySelector('figcaption')?.textContent ?? ''));
    return figure ? figure.querySelector('.vega-static svg .role-legend') !== null : null;
  });
  assert.equal(lossLegend, true, 'the loss curve has a legend');
  await page.close();
});

test("the reader's pages carry no internal names, paths, config keys or commands", { skip, timeout: 120_000 }, async () => {
  for (const path of READER_PAGES) {
    const page = await open(path, 1280);
    if (!page) continue;
    const text = await page.evaluate(() => document.body.innerText);
    for (const [what, pattern] of [
      ['not_sold', /not_sold/],
      ['a cache path', /\.cache\//],
      ['a config key', /\b(model|clip|dataset|gradcam|cluster|train|site)\.[a-z_]+\b(?!\.)/],
      ['a command', /\bnpx /],
      ['the project folder', new RegExp(loaded.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))],
      ['an absolute path', /(^|\s)\/(home|tmp|root|usr|srv|work)\//],
    ] as const) {
      const match = (pattern as RegExp).exec(text);
      assert.equal(match, null, `${path} shows ${what}: "${match ? text.slice(Math.max(0, match.index - 40), match.index + 40) : ''}"`);
    }
    await page.close();
  }
});

/**
 * The built site in a real browser (Debian's Chromium through playwright-core): every page
 * loads with no console error and no CSP violation, every chart becomes interactive, and no
 * request goes to any host but the local server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { buildSite } from '../pipeline/site/build.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { makeSiteProject } from './helpers/site.ts';
import { serveStatic } from './helpers/static-server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = !existsSync(CHROMIUM);
// In CI a missing browser is a failure (.ci/run installs it); elsewhere, say how to get it.
const skip = missing && !process.env.CI ? `no Chromium at ${CHROMIUM}: apt-get install chromium` : false;

async function htmlPages(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await htmlPages(path, root)));
    else if (entry.name.endsWith('.html')) out.push('/' + relative(root, path).split(sep).join('/').replace(/index\.html$/, ''));
  }
  return out.sort();
}

test('every page renders in Chromium without errors, external requests or CSP violations', { skip, timeout: 180_000 }, async () => {
  const loaded = await makeSiteProject({ dataset: { simulated_labels: true } });
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  const site = await serveStatic(loaded.resolved.site);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const pages = await htmlPages(loaded.resolved.site);
    assert.ok(pages.length >= 2, `expected pages, found ${pages.join(', ')}`);
    let charts = 0;
    for (const path of pages) {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('dialog', (d) => {
        problems.push(`a script opened a dialog: ${d.message()}`);
        void d.dismiss();
      });
      page.on('request', (r) => {
        const url = new URL(r.url());
        if (url.protocol !== 'data:' && url.origin !== site.url) problems.push(`request to another host: ${r.url()}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
      });
      await page.goto(site.url + path, { waitUntil: 'networkidle' });
      // Every picture loads (lazy ones too) and is a real image.
      await page.evaluate(() => document.querySelectorAll('img').forEach((img) => (img.loading = 'eager')));
      await page.waitForFunction(() => [...document.images].every((img) => img.complete), undefined, { timeout: 30_000 });
      const broken = await page.evaluate(() => [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src));
      assert.deepEqual(broken, [], `${path}: images that did not load`);
      const missingAlt = await page.evaluate(() => [...document.querySelectorAll('main img')].filter((img) => !img.hasAttribute('alt')).length);
      assert.equal(missingAlt, 0, `${path}: every picture has alt text`);
      // Hover every chart so that tooltips (which show dataset strings) render too.
      for (const chart of await page.locator('.vega-chart').all()) await chart.hover().catch(() => undefined);
      const containers = await page.locator('.vega-chart').count();
      if (containers > 0) {
        await page.waitForFunction(
          () => [...document.querySelectorAll('.vega-chart')].every((c) => c.classList.contains('is-interactive') || c.classList.contains('is-static-only')),
          undefined,
          { timeout: 30_000 },
        );
        const interactive = await page.locator('.vega-chart.is-interactive .vega-embed canvas, .vega-chart.is-interactive .vega-embed svg.marks').count();
        assert.equal(interactive, containers, `${path}: ${containers} chart containers, ${interactive} rendered charts`);
      }
      charts += containers;
      assert.deepEqual(problems, [], `${path}`);
      await page.close();
    }
    assert.ok(charts >= 1, 'the report has at least one chart');
  } finally {
    await browser.close();
    await site.close();
  }
});

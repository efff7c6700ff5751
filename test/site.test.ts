import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { buildSite } from '../pipeline/site/build.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { makeSiteProject, settlePassthrough } from './helpers/site.ts';

test('a page that names a missing _data key fails the build, naming the page and the key', async () => {
  const loaded = await makeSiteProject();
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await writeFile(join(loaded.resolved.content, 'bad.md'), '---\ntitle: Bad\n---\nAccuracy was {{ study_reference.report.nope | fixed: 2 }}.\n');
  await assert.rejects(buildSite(loaded, createRecordingLogger()), (error: Error) => {
    assert.match(error.message, /bad\.md/);
    assert.match(error.message, /nope/);
    return true;
  });
  await settlePassthrough(loaded);
});

test('a number filter given a non-number fails the build instead of printing NaN', async () => {
  const loaded = await makeSiteProject();
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await writeFile(join(loaded.resolved.content, 'nan.md'), '---\ntitle: NaN\n---\n{{ study_reference.source | percent: 1 }}\n');
  await assert.rejects(buildSite(loaded, createRecordingLogger()), /nan\.md: filter 'percent' needs a finite number/);
  await settlePassthrough(loaded);
});

test('the site builds: figures come from _data, charts have a static rendering and a spec', async () => {
  const loaded = await makeSiteProject({ dataset: { simulated_labels: true }, site: { noindex: true } });
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  const html = await readFile(join(loaded.resolved.site, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /undefined|NaN/);
  assert.match(html, /500,000/);
  assert.match(html, /<svg role="img"/);
  assert.match(html, /data-spec="\/assets\/charts\/[0-9a-f]{16}\.vl\.json"/);
  assert.match(html, /Content-Security-Policy/);
  assert.doesNotMatch(html, /unsafe-eval/);
  assert.match(html, /noindex/);
  assert.match(html, /class="demo-notice"/);
  const vendor = await readdir(join(loaded.resolved.site, 'assets/js/vendor'));
  assert.deepEqual(vendor.sort(), ['vega-embed.min.js', 'vega-lite.min.js', 'vega.min.js']);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, 'no absolute URL to another host in the page');
});

test('hostile strings from the dataset render inert on the data-quality page', async () => {
  const loaded = await makeSiteProject();
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  const html = await readFile(join(loaded.resolved.site, 'data-quality/index.html'), 'utf8');
  assert.match(html, /sell-through by category/i);
  assert.doesNotMatch(html, /<script>alert/);
  assert.doesNotMatch(html, /<img src=x/);
  assert.doesNotMatch(html, /<\/table><b>broken/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.doesNotMatch(html, /undefined|NaN/);
  // Problems are listed with their line and reason.
  assert.match(html, /<td>too_large<\/td>/);
  assert.match(html, /<td>outside_root<\/td>/);
});

test('without a CLIP model (offline, hub id) the stage says why and the report marks CLIP as not run', async () => {
  const loaded = await makeSiteProject({ clip: { model: 'Xenova/clip-vit-base-patch32' } });
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  const clip = JSON.parse(await readFile(join(loaded.resolved.data, 'clip.json'), 'utf8'));
  assert.equal(clip.status, 'not_run');
  assert.match(clip.enable, /network access|local folder/);
  assert.deepEqual((await readdir(loaded.resolved.data)).filter((n) => n === 'clusters_clip.json'), []);
  await buildSite(loaded, createRecordingLogger());
  const html = await readFile(join(loaded.resolved.site, 'index.html'), 'utf8');
  // One plain sentence on the report; the technical reason and the fix are for Methods.
  assert.match(html, /CLIP was not run for this build because its model could not be loaded/);
  assert.ok(!html.includes(clip.reason!), 'the raw reason stays off the report');
  assert.match(html, /Clustering the fine-tuned network/);
  // The reason names the cache, relative to the project: never this machine's folders.
  assert.match(clip.reason + clip.enable, /\.cache/);
  assert.ok(!html.includes(loaded.root) && !JSON.stringify(clip).includes(loaded.root), 'the project folder is not published');
  assert.ok(!html.includes(homedir() + '/'), 'the home folder is not published');
});

test('one page per cluster, with its statistics and escaped category names', async () => {
  const loaded = await makeSiteProject();
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  const report = JSON.parse(await readFile(join(loaded.resolved.data, 'report.json'), 'utf8'));
  const pages = await readdir(join(loaded.resolved.site, 'clusters'));
  assert.deepEqual(pages.sort(), report.cluster_pages.map((p: { slug: string }) => p.slug).sort());
  for (const slug of pages) {
    const html = await readFile(join(loaded.resolved.site, 'clusters', slug, 'index.html'), 'utf8');
    assert.match(html, /Two-proportion z-test against the rest/);
    assert.doesNotMatch(html, /<img src=x|<script>alert|undefined|NaN/);
  }
});

test('a configured K above the number of photos is a configuration error naming the key', async () => {
  const loaded = await makeSiteProject({ cluster: { k: { resnet: 999 } } });
  await assert.rejects(runStages(studyStages, loaded, { logger: createRecordingLogger() }), /cluster\.k\.resnet is 999, but there are only \d+ validation photos/);
});

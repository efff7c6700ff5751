/**
 * An author's page checked as a publisher would: a Jekyll page dropped into content/ with a
 * missing header image, a missing figure, a broken fragment and a renamed page fails the build,
 * each problem named with its file and line, and the previous site stays; fixed, it builds, and
 * a figure kept beside the page is published where the page's relative URL points.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { buildSite } from '../pipeline/site/build.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { kramdownSlug, sourceRelativeUrl } from '../pipeline/site/authoring.ts';
import { srcsetUrls } from '../pipeline/site/page-links.ts';
import { closestPath } from '../pipeline/core/did-you-mean.ts';
import { makeSiteProject, settlePassthrough } from './helpers/site.ts';

const loaded = await makeSiteProject();

const seedPage = (fixed: boolean) =>
  [
    '---',
    'layout: default',
    'title: The seed study',
    'vega: true',
    'header_type: hero',
    `header_img: ${fixed ? 'assets/img/header.svg' : 'assets/images/header.svg'}`,
    '---',
    '',
    '## Grad-CAM',
    '',
    'Where the network looked.',
    '',
    fixed ? '' : '![ResNet task](resnet_task_1.png)',
    '',
    '![A figure kept beside the page](figs/beside.png)',
    '',
    `See [the heatmaps](${fixed ? '#grad-cam' : '#gradcam'}) and [the methods](${fixed ? '/methods/' : 'methods.md'}).`,
    '',
    'The [original study](https://example.org/study) is elsewhere.',
    '',
  ].join('\n');

test('helpers: relative URLs read from the source folder, srcset URLs, kramdown ids, nearest paths', () => {
  assert.equal(sourceRelativeUrl('fig.png', 'seed-page.md', '/'), '/fig.png');
  assert.equal(sourceRelativeUrl('figs/a.png?v=1#x', 'guide/page.md', '/study/'), '/study/guide/figs/a.png?v=1#x');
  assert.equal(sourceRelativeUrl('../shared.png', 'guide/page.md', '/'), '/shared.png');
  assert.equal(sourceRelativeUrl('../../out.png', 'guide/page.md', '/'), '../../out.png');
  for (const kept of ['/abs.png', '#frag', '?q', 'https://x.org/a', 'mailto:a@b.c', 'data:image/png;base64,AA', '//cdn.x/a']) assert.equal(sourceRelativeUrl(kept, 'a/b.md', '/'), kept);
  assert.deepEqual(srcsetUrls('a.png 1x, b,c.png 2x'), ['a.png', 'b,c.png']);
  assert.deepEqual(srcsetUrls('a.png 100w,b.png 200w'), ['a.png', 'b.png']);
  assert.deepEqual(srcsetUrls(''), []);
  assert.equal(kramdownSlug('Grad-CAM'), 'grad-cam');
  assert.equal(kramdownSlug('3. Results: what we found!'), 'results-what-we-found');
  assert.equal(kramdownSlug('123'), 'section');
  assert.equal(closestPath('assets/images/header.svg', ['index.html', 'assets/img/header.svg', 'assets/css/site.css']), 'assets/img/header.svg');
  assert.equal(closestPath('methds/index.html', ['methods/index.html', 'index.html']), 'methods/index.html');
  assert.equal(closestPath('nothing-like-it.png', ['index.html']), undefined);
});

test('a Jekyll page with broken images and links fails the build naming each one, keeps the previous site, and builds once fixed', async () => {
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  const content = loaded.resolved.content;
  const site = loaded.resolved.site;

  // The demo's own pages pass the check.
  const first = await buildSite(loaded, createRecordingLogger());
  assert.equal(first.links.problems.length, 0);
  assert.ok(first.links.checked > 100, `only ${first.links.checked} links checked`);
  const before = await stat(join(site, 'index.html'));

  // The seed-like page, a figure beside it, and one broken link in a demo page.
  await mkdir(join(content, 'figs'), { recursive: true });
  const figure = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#a33' } }).png().toBuffer();
  await writeFile(join(content, 'figs', 'beside.png'), figure);
  await writeFile(join(content, 'seed-page.md'), seedPage(false));
  const methods = await readFile(join(content, 'methods.md'), 'utf8');
  await writeFile(join(content, 'methods.md'), methods + '\nBack to [the results](/#resluts).\n');

  await assert.rejects(buildSite(loaded, createRecordingLogger()), (error: Error) => {
    const lines = error.message.split('\n');
    assert.match(lines[0]!, /^5 broken links or images on 2 pages; the previous site is left in place:$/);
    const expected = [
      /^ {2}content\/seed-page\.md, line 6: header_img 'assets\/images\/header\.svg': no file 'assets\/images\/header\.svg' in the built site; did you mean 'assets\/img\/header\.svg'\?$/,
      /^ {2}content\/seed-page\.md, line 13: image "ResNet task" 'resnet_task_1\.png': no file 'resnet_task_1\.png' in the built site$/,
      /^ {2}content\/seed-page\.md, line 17: link "the heatmaps" '#gradcam': no element with id 'gradcam' on this page; did you mean 'grad-cam'\?$/,
      /^ {2}content\/seed-page\.md, line 17: link "the methods" 'methods\.md': no file 'methods\.md' in the built site; did you mean 'methods\/'\?$/,
      /^ {2}content\/methods\.md, line \d+: link "the results" '\/#resluts': no element with id 'resluts' on '\/'; did you mean 'results'\?$/,
    ];
    for (const pattern of expected) assert.ok(lines.some((l) => pattern.test(l)), `no line matches ${pattern}:\n${error.message}`);
    assert.match(error.message, /--allow-broken/);
    assert.doesNotMatch(error.message, /example\.org/, 'external links are not problems');
    return true;
  });
  await new Promise((r) => setTimeout(r, 60000));
  // The previous site is untouched, and no half-built one is left beside it.
  assert.equal((await stat(join(site, 'index.html'))).mtimeMs, before.mtimeMs);
  assert.ok(!existsSync(join(site, 'seed-page')));
  assert.ok(!existsSync(join(dirname(site), `.${basename(site)}.building`)));

  // --allow-broken publishes, warning each one.
  const logger = createRecordingLogger();
  const allowed = await buildSite(loaded, logger, { allowBroken: true });
  assert.equal(allowed.links.problems.length, 5);
  assert.equal(logger.lines.filter((l) => l.startsWith('warning: content/')).length, 5);
  assert.ok(existsSync(join(site, 'seed-page/index.html')));
  // So does site.allow_broken_links in the config.
  loaded.config.site.allow_broken_links = true;
  assert.equal((await buildSite(loaded, createRecordingLogger())).links.problems.length, 5);
  loaded.config.site.allow_broken_links = false;

  // A misspelt data key on the author's page: the page and its real line.
  await writeFile(join(content, 'seed-page.md'), seedPage(true) + '\nOur accuracy: {{ evaluate.acuracy | percent: 1 }}\n');
  await assert.rejects(buildSite(loaded, createRecordingLogger()), /content\/seed-page\.md, line 21, column \d+: .*acuracy/);
  await settlePassthrough(loaded);

  // Fixed: it builds, the header and the figure beside the page are published where the page points.
  await writeFile(join(content, 'seed-page.md'), seedPage(true));
  await writeFile(join(content, 'methods.md'), methods);
  const fixed = await buildSite(loaded, createRecordingLogger());
  assert.equal(fixed.links.problems.length, 0);
  const html = await readFile(join(site, 'seed-page/index.html'), 'utf8');
  assert.match(html, /<img class="page-header__img" src="\/assets\/img\/header\.svg"/);
  assert.match(html, /<h2 id="grad-cam"/);
  assert.match(html, /<img src="\/figs\/beside\.png" alt="A figure kept beside the page"/);
  assert.deepEqual(await readFile(join(site, 'figs/beside.png')), figure);
  // External links are listed for the author, never fetched.
  const listing = JSON.parse(await readFile(join(loaded.resolved.cache, 'site/links.json'), 'utf8'));
  assert.deepEqual(listing.external, [{ page: 'seed-page/', url: 'https://example.org/study' }]);
  assert.deepEqual(listing.broken, []);
});

/**
 * The site: Jekyll-style Markdown pages under content/, data from _data/ (written by the
 * pipeline), Vega charts rendered statically at build time and made interactive in the page.
 * Docs: https://www.11ty.dev/docs/config/
 */
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import markdownIt from 'markdown-it';
import markdownItAnchor from 'markdown-it-anchor';
import { loadConfig } from './pipeline/core/config.ts';
import { numberFilters } from './pipeline/site/filters.ts';
import { createVegaShortcode } from './pipeline/site/vega.ts';
import { loadStudyReference, siteGlobals, sitePathPrefix } from './pipeline/site/globals.ts';
import { vendorScripts } from './pipeline/site/vendor.ts';
import { LOOPBACK, isLoopbackAddress, previewMiddleware } from './pipeline/site/preview-guard.ts';
import { previewLocal, previewNetwork } from './pipeline/core/messages.ts';
import { AUTHOR_FILE_TYPES, kramdownSlug, sourceRelativeUrl, warnBrokenLinks } from './pipeline/site/authoring.ts';

// Eleventy ships no types; the few calls used here are typed loosely on purpose.
type EleventyConfig = any;

export default async function (eleventyConfig: EleventyConfig) {
  const loaded = await loadConfig(process.env.STUDY_CONFIG ?? 'study.config.json', { cwd: process.env.STUDY_PROJECT });
  const cwd = process.cwd();
  // Code and its own assets live beside this file; the study (content, data, outputs) lives
  // where its config file is.
  const packageRoot = dirname(fileURLToPath(import.meta.url));
  const content = loaded.resolved.content;
  // study build writes to a folder beside the site and swaps it in once its links check out.
  const output = process.env.STUDY_SITE_OUTPUT || loaded.resolved.site;
  const pathPrefix = sitePathPrefix(loaded);

  // Markdown: raw HTML allowed (authors embed figures); Liquid runs first, as in Jekyll.
  const markdown = markdownIt({ html: true, typographer: true, linkify: false });
  // Headings get kramdown's ids, so `[see](#grad-cam)` written for Jekyll finds its heading.
  markdown.use(markdownItAnchor, { slugify: kramdownSlug, tabIndex: false, uniqueSlugStartIndex: 1 });
  eleventyConfig.setLibrary('md', markdown);
  // Project Markdown carried in _data (the starting weights' card), rendered where a page asks,
  // without heading ids (they would collide with the page's own).
  const embedded = markdownIt({ html: true, typographer: true, linkify: false });
  eleventyConfig.addFilter('markdown', (text: unknown) => embedded.render(String(text ?? '')));
  // A page that names a missing _data key fails the build with the page and the key;
  // `{% if %}` may still test for optional sections.
  eleventyConfig.setLiquidOptions({ strictVariables: true, lenientIf: true, jsTruthy: true });

  // Numbers in the prose: fixed, percent, thousands, signed_percent.
  for (const [name, filter] of Object.entries(numberFilters)) eleventyConfig.addFilter(name, filter);

  // Charts: {% vega "charts/loss.vl.json", evaluate.history, "Loss per epoch" %}
  const vega = createVegaShortcode({
    specRoot: content,
    outputDir: output,
    cacheDir: loaded.resolved.cache,
    pathPrefix,
  });
  eleventyConfig.addShortcode('vega', vega);
  eleventyConfig.addPairedShortcode('vegalite', function (this: unknown, body: string, alt?: string) {
    return vega.call(this as never, body, alt);
  });

  // Everything the site needs is served by the site itself: no CDN, no request leaves it.
  for (const folder of ['css', 'js', 'img']) {
    eleventyConfig.addPassthroughCopy({ [join(packageRoot, 'assets', folder)]: `assets/${folder}` });
  }
  // dot: false keeps out a killed run's `.tmp-*` leftovers (the next pipeline run sweeps them).
  eleventyConfig.addPassthroughCopy({ [loaded.resolved.assets]: 'assets/generated' }, { dot: false });
  for (const [from, to] of Object.entries(vendorScripts(packageRoot))) eleventyConfig.addPassthroughCopy({ [from]: to });

  // An author's figures, wherever they sit in content/, are published at the same place, and a
  // page's relative URL is read from the page's own folder, as Jekyll does (authoring.ts).
  eleventyConfig.addPassthroughCopy(`${relative(cwd, content) || '.'}/**/*.{${AUTHOR_FILE_TYPES.join(',')}}`);
  eleventyConfig.htmlTransformer.addUrlTransform('html', function (this: { page: { inputPath: string } }, url: string) {
    return sourceRelativeUrl(url, relative(content, resolve(cwd, this.page.inputPath)), pathPrefix);
  });
  // The live preview has no build to fail: its broken links are warned after each rebuild.
  eleventyConfig.on('eleventy.after', async ({ results, runMode }: { results: { inputPath: string; outputPath: string }[]; runMode: string }) => {
    if (runMode === 'serve') await warnBrokenLinks(loaded, output, results);
  });

  // study serve: the address it binds (loopback unless --host) and the guard on every request.
  const host = process.env.STUDY_SERVE_HOST || LOOPBACK;
  eleventyConfig.setServerOptions({
    host,
    middleware: [previewMiddleware(output, isLoopbackAddress(host))],
    showVersion: false,
    messageOnStart: () => false,
    ready: (server: { server: { address(): { address: string; port: number } } }) => {
      const { address, port } = server.server.address();
      const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}${pathPrefix}`;
      process.stderr.write((isLoopbackAddress(host) ? previewLocal(url) : previewNetwork(url)) + '\n');
    },
  });

  eleventyConfig.addGlobalData('study', siteGlobals(loaded));
  // The published study's figures ship with the package; a project may keep its own copy.
  eleventyConfig.addGlobalData('study_reference', () => loadStudyReference(loaded));
  eleventyConfig.setQuietMode(true);
  // Eleventy keeps every page's text in a module-wide cache, dropped per file by its watcher.
  // Off: a build in a process that built before (the tests) must read the pages as they are now,
  // and the watcher names a changed file wrongly when the project is outside this package (its
  // paths are remapped to a common root with the package's config file), so the preview would
  // go on serving the old text.
  eleventyConfig.setUseTemplateCache(false);
  // The content folder is the whole input; .gitignore rules (which may cover a scratch
  // project, as in bench/out) must not hide pages.
  eleventyConfig.setUseGitIgnore(false);

  return {
    dir: {
      input: relative(cwd, content) || '.',
      includes: '_includes',
      layouts: '_layouts',
      data: relative(content, loaded.resolved.data),
      output: relative(cwd, output) || '.',
    },
    markdownTemplateEngine: 'liquid',
    htmlTemplateEngine: 'liquid',
    templateFormats: ['md', 'liquid', 'html'],
    pathPrefix,
  };
}

/**
 * The site: Jekyll-style Markdown pages under content/, data from _data/ (written by the
 * pipeline), Vega charts rendered statically at build time and made interactive in the page.
 * Docs: https://www.11ty.dev/docs/config/
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import markdownIt from 'markdown-it';
import { loadConfig } from './pipeline/core/config.ts';
import { numberFilters } from './pipeline/site/filters.ts';
import { createVegaShortcode } from './pipeline/site/vega.ts';
import { loadStudyReference, siteGlobals } from './pipeline/site/globals.ts';
import { vendorScripts } from './pipeline/site/vendor.ts';

// Eleventy ships no types; the few calls used here are typed loosely on purpose.
type EleventyConfig = any;

export default async function (eleventyConfig: EleventyConfig) {
  const loaded = await loadConfig(process.env.STUDY_CONFIG ?? 'study.config.json', { cwd: process.env.STUDY_PROJECT });
  const cwd = process.cwd();
  // Code and its own assets live beside this file; the study (content, data, outputs) lives
  // where its config file is.
  const packageRoot = dirname(fileURLToPath(import.meta.url));
  const content = loaded.resolved.content;
  const pathPrefix = loaded.config.site.path_prefix.replace(/\/?$/, '/');

  // Markdown: raw HTML allowed (authors embed figures); Liquid runs first, as in Jekyll.
  const markdown = markdownIt({ html: true, typographer: true, linkify: false });
  eleventyConfig.setLibrary('md', markdown);
  // Project Markdown carried in _data (the starting weights' card), rendered where a page asks.
  eleventyConfig.addFilter('markdown', (text: unknown) => markdown.render(String(text ?? '')));
  // A page that names a missing _data key fails the build with the page and the key;
  // `{% if %}` may still test for optional sections.
  eleventyConfig.setLiquidOptions({ strictVariables: true, lenientIf: true, jsTruthy: true });

  // Numbers in the prose: fixed, percent, thousands, signed_percent.
  for (const [name, filter] of Object.entries(numberFilters)) eleventyConfig.addFilter(name, filter);

  // Charts: {% vega "charts/loss.vl.json", evaluate.history, "Loss per epoch" %}
  const vega = createVegaShortcode({
    specRoot: content,
    outputDir: loaded.resolved.site,
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

  eleventyConfig.addGlobalData('study', siteGlobals(loaded));
  // The published study's figures ship with the package; a project may keep its own copy.
  eleventyConfig.addGlobalData('study_reference', () => loadStudyReference(loaded));
  eleventyConfig.setQuietMode(true);
  // The content folder is the whole input; .gitignore rules (which may cover a scratch
  // project, as in bench/out) must not hide pages.
  eleventyConfig.setUseGitIgnore(false);

  return {
    dir: {
      input: relative(cwd, content) || '.',
      includes: '_includes',
      layouts: '_layouts',
      data: relative(content, loaded.resolved.data),
      output: relative(cwd, loaded.resolved.site) || '.',
    },
    markdownTemplateEngine: 'liquid',
    htmlTemplateEngine: 'liquid',
    templateFormats: ['md', 'liquid', 'html'],
    pathPrefix,
  };
}

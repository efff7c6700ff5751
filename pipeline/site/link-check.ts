/**
 * The built site checked as a publisher's link checker would (html-proofer's internal checks):
 * every URL a page names inside the site resolves to a built file, every `#fragment` to an id
 * on its target page. External URLs are listed, never fetched. Each problem is traced back to
 * the source file and, where the URL is written there, its line (see link-source.ts).
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { closestKey, closestPath } from '../core/did-you-mean.ts';
import { siteFiles } from './publish.ts';
import { pageLinks, type PageRef } from './page-links.ts';

export interface BuiltPage {
  /** The page's source file, absolute. */
  inputPath: string;
  /** The HTML file it was written to, absolute. */
  outputPath: string;
}

export interface LinkProblem {
  /** The source file, absolute. */
  source: string;
  /** The built page's URL, site-relative (`seed-page/`). */
  page: string;
  ref: PageRef;
  kind: 'missing_file' | 'missing_anchor' | 'outside_prefix';
  /** The site-relative path (or `#id`, or `/page/#id`) that was looked for. */
  target: string;
  /** An existing site-relative path (or id) it may have meant. */
  suggestion?: string;
}

export interface LinkReport {
  pages: number;
  /** Internal URLs checked. */
  checked: number;
  external: { page: string; url: string }[];
  problems: LinkProblem[];
}

/** The pages Eleventy wrote, from write()'s results or eleventy.after's: paths made absolute. */
export function builtPages(results: unknown): BuiltPage[] {
  const flat = Array.isArray(results) ? (results.flat(2) as { inputPath?: unknown; outputPath?: unknown }[]) : [];
  return flat
    .filter((r) => r && typeof r.inputPath === 'string' && typeof r.outputPath === 'string')
    .map((r) => ({ inputPath: resolve(r.inputPath as string), outputPath: resolve(r.outputPath as string) }));
}

/** A built file's site path as its URL: `a/index.html` is `a/`. */
const pageUrl = (file: string) => file.replace(/(^|\/)index\.html$/, '$1');
const sitePath = (root: string, path: string) => relative(root, path).split(sep).join('/');

const ORIGIN = 'http://site.invalid';
/** Schemes that name no file: nothing to check and nothing to list. */
const NOT_A_FILE = /^(mailto|tel|data|javascript|blob|about):/i;

/** The built file a site-relative path is served from: the file, or the folder's index.html. */
function servedFile(path: string, files: Set<string>): string | undefined {
  const bare = path.replace(/\/$/, '');
  for (const candidate of [path, bare === '' ? 'index.html' : `${bare}/index.html`]) if (files.has(candidate)) return candidate;
  return undefined;
}

/** `pathPrefix` as sitePathPrefix gives it (ending in '/'). */
export async function checkSiteLinks(options: { site: string; content: string; pathPrefix: string; pages: readonly BuiltPage[] }): Promise<LinkReport> {
  const { site } = options;
  // A link written to a page's source (`methods.md`) is pointed at the page built from it.
  const builtFrom = new Map(options.pages.map((p) => [sitePath(options.content, p.inputPath), pageUrl(sitePath(site, p.outputPath))]));
  const prefix = options.pathPrefix;
  const files = new Set(await siteFiles(site));
  // Each page is parsed once, whether it is checked or only linked to.
  const parsed = new Map<string, ReturnType<typeof pageLinks>>();
  const parse = async (file: string) => {
    let links = parsed.get(file);
    if (!links) parsed.set(file, (links = pageLinks(await readFile(join(site, file), 'utf8'))));
    return links;
  };
  const report: LinkReport = { pages: 0, checked: 0, external: [], problems: [] };
  for (const page of options.pages) {
    if (!page.outputPath.endsWith('.html')) continue;
    const file = sitePath(site, page.outputPath);
    const url = pageUrl(file);
    report.pages++;
    const base = `${ORIGIN}${prefix}${file}`;
    for (const ref of (await parse(file)).refs) {
      if (ref.url === '' || ref.url === '#' || NOT_A_FILE.test(ref.url)) continue;
      let resolved: URL;
      try {
        resolved = new URL(ref.url, base);
      } catch {
        report.problems.push({ source: page.inputPath, page: url, ref, kind: 'missing_file', target: ref.url });
        continue;
      }
      if (resolved.origin !== ORIGIN) {
        report.external.push({ page: url, url: ref.url });
        continue;
      }
      report.checked++;
      const pathname = decodeURIComponent(resolved.pathname);
      if (!pathname.startsWith(prefix)) {
        report.problems.push({ source: page.inputPath, page: url, ref, kind: 'outside_prefix', target: pathname, suggestion: prefix });
        continue;
      }
      const path = pathname.slice(prefix.length);
      const target = servedFile(path, files);
      if (!target) {
        report.problems.push({ source: page.inputPath, page: url, ref, kind: 'missing_file', target: path, suggestion: builtFrom.get(path) ?? closestPath(path, files) });
        continue;
      }
      const fragment = decodeURIComponent(resolved.hash.slice(1));
      // `#top` scrolls to the top of any page (HTML standard); other fragments need their id.
      if (fragment === '' || fragment.toLowerCase() === 'top' || !target.endsWith('.html')) continue;
      const { ids } = await parse(target);
      if (!ids.has(fragment)) {
        report.problems.push({ source: page.inputPath, page: url, ref, kind: 'missing_anchor', target: `${target === file ? '' : prefix + path}#${fragment}`, suggestion: closestKey(fragment, [...ids]) });
      }
    }
  }
  return report;
}

/**
 * What an author's Jekyll habits need from the site: figures kept beside a page are published
 * at the same place, and a relative URL is read from the page's own folder in content/ (Jekyll
 * writes `guide/page.md` to `guide/page.html`; Eleventy to `guide/page/index.html`, one folder
 * deeper, where `fig.png` would name `guide/page/fig.png`).
 */
import { posix } from 'node:path';
import type { LoadedConfig } from '../core/config-types.ts';
import { checkBuiltSite } from './link-source.ts';

/** Files in content/ published as they are (pages and their data are not among them). */
export const AUTHOR_FILE_TYPES = ['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'avif', 'pdf', 'csv', 'mp4', 'webm'] as const;

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A relative URL rewritten as a path from the site's root, read from the folder of the page's
 * source (`sourcePath`, relative to content/). Absolute URLs, fragments and queries are left as
 * they are, and so is one that climbs out of the site (the link check names it). `pathPrefix`
 * ends in '/' (sitePathPrefix).
 */
export function sourceRelativeUrl(url: string, sourcePath: string, pathPrefix: string): string {
  if (url === '' || /^[#?/]/.test(url) || HAS_SCHEME.test(url)) return url;
  const at = url.search(/[?#]/);
  const path = at < 0 ? url : url.slice(0, at);
  const rest = at < 0 ? '' : url.slice(at);
  const folder = posix.dirname(sourcePath.split('\\').join('/'));
  const joined = posix.normalize(posix.join(folder === '.' ? '' : folder, path));
  if (joined === '..' || joined.startsWith('../')) return url;
  return `${pathPrefix}${joined === '.' ? '' : joined}${rest}`;
}

/** The live preview's check: broken links warned on stderr after each rebuild, never fatal. */
export async function warnBrokenLinks(loaded: LoadedConfig, site: string, results: unknown): Promise<void> {
  try {
    for (const line of (await checkBuiltSite(loaded, site, results)).lines) process.stderr.write(`warning: ${line}\n`);
  } catch (error) {
    process.stderr.write(`warning: ${(error as Error).message}\n`);
  }
}

/**
 * A heading's id as Jekyll's kramdown makes it (auto_ids), so a page brought from Jekyll keeps
 * its `#fragment` links: leading non-letters dropped, then everything but ASCII letters,
 * digits, spaces and dashes, spaces as dashes, lower case; `section` when nothing is left.
 */
export function kramdownSlug(text: string): string {
  const id = text
    .replace(/^[^a-zA-Z]+/, '')
    .replace(/[^a-zA-Z0-9 -]/g, '')
    .replace(/ /g, '-')
    .toLowerCase();
  return id === '' ? 'section' : id;
}

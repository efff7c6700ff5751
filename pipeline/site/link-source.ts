/**
 * A broken link traced back to what the author wrote: the source file, the line that holds the
 * URL (front matter counted, so an editor's line), and the front matter key when it is one
 * (`header_img`). A URL a layout or include wrote is named by the page alone.
 */
import { readFileSync } from 'node:fs';
import { posix, relative, sep } from 'node:path';
import { frontMatterLines } from './template-errors.ts';
import { builtPages, checkSiteLinks, type LinkProblem, type LinkReport } from './link-check.ts';
import type { LoadedConfig } from '../core/config-types.ts';
import { sitePathPrefix } from './globals.ts';
import * as msg from '../core/messages.ts';

export interface LinkSource {
  file: string;
  line?: number;
  key?: string;
  /** The URL as the source writes it, when found there. */
  written?: string;
}

export interface SiteFolders {
  /** The project: source files are named relative to it. */
  root: string;
  content: string;
  /** As sitePathPrefix gives it (ending in '/'). */
  pathPrefix: string;
}

/** The ways a URL in the built HTML may have been written in the source, most specific first. */
function spellings(url: string, prefix: string): string[] {
  const out = new Set<string>([url, url.replace(/&amp;/g, '&')]);
  try {
    out.add(decodeURI(url));
  } catch {
    // not percent-encoded: as written
  }
  const bare = url.startsWith(prefix) ? url.slice(prefix.length) : url.replace(/^\//, '');
  const [path = '', fragment] = bare.split('#');
  if (fragment !== undefined) out.add(`#${fragment}`);
  // A relative URL is written to the page as a path from the site's root: its tail is what the author typed.
  const segments = path.split('/').filter(Boolean);
  for (let i = 0; i < segments.length; i++) out.add(segments.slice(i).join('/') + (fragment !== undefined && i === 0 ? `#${fragment}` : ''));
  return [...out].filter((s) => s !== '' && s !== '#');
}

export function linkSource(problem: LinkProblem, root: string, prefix: string, readText = (file: string) => readFileSync(file, 'utf8')): LinkSource {
  const file = relative(root, problem.source).split(sep).join('/');
  let text: string;
  try {
    text = readText(problem.source);
  } catch {
    return { file };
  }
  const lines = text.split(/\r?\n/);
  const frontMatter = frontMatterLines(text);
  for (const spelling of spellings(problem.ref.url, prefix)) {
    const index = lines.findIndex((line) => line.includes(spelling));
    if (index < 0) continue;
    const key = index < frontMatter ? /^\s*([\w-]+)\s*:/.exec(lines[index]!)?.[1] : undefined;
    return { file, line: index + 1, key, written: spelling };
  }
  return { file };
}

/**
 * What to write instead, in the form the author used: a front matter path as it is (the layout
 * roots it), a path from the site's root for a URL that starts with `/`, else a path relative
 * to the page's source folder (relative URLs are read from there).
 */
function suggestionAsWritten(problem: LinkProblem, source: LinkSource, folders: SiteFolders): string | undefined {
  const { suggestion } = problem;
  if (suggestion === undefined || problem.kind === 'missing_anchor' || problem.kind === 'outside_prefix') return suggestion;
  if (source.key) return suggestion;
  const written = source.written ?? problem.ref.url;
  if (written.startsWith('/')) return folders.pathPrefix + suggestion;
  const folder = posix.dirname(relative(folders.content, problem.source).split(sep).join('/'));
  return posix.relative(folder === '.' ? '' : folder, suggestion) + (suggestion.endsWith('/') ? '/' : '') || './';
}

/** One line for the author: where, what, why, and what exists nearby. */
export function describeLinkProblem(problem: LinkProblem, folders: SiteFolders, readText?: (file: string) => string): string {
  const source = linkSource(problem, folders.root, folders.pathPrefix, readText);
  const what = source.key ?? (problem.ref.tag === 'a' ? 'link' : problem.ref.tag === 'img' || problem.ref.tag === 'source' ? 'image' : problem.ref.tag);
  const where = source.line === undefined ? msg.linkInLayout(source.file) : msg.linkAt(source.file, source.line);
  const suggestion = suggestionAsWritten(problem, source, folders);
  const [page = '', id = ''] = problem.target.split('#');
  const why =
    problem.kind === 'missing_anchor'
      ? msg.noSuchAnchor(id, page, suggestion)
      : problem.kind === 'outside_prefix'
        ? msg.outsidePrefix(folders.pathPrefix)
        : msg.noSuchFile(problem.target, suggestion);
  return msg.brokenLink(where, msg.linkNamed(what, problem.ref.label, source.written ?? problem.ref.url), why);
}

/**
 * The links of a site Eleventy just wrote into `site` (its write() or eleventy.after results),
 * checked, and each problem worded for the author once (the build and the live preview share it);
 * `written` counts every page written, HTML or not.
 */
export async function checkBuiltSite(loaded: LoadedConfig, site: string, results: unknown): Promise<{ written: number; report: LinkReport; lines: string[] }> {
  const folders: SiteFolders = { root: loaded.root, content: loaded.resolved.content, pathPrefix: sitePathPrefix(loaded) };
  const pages = builtPages(results);
  const report = await checkSiteLinks({ site, content: folders.content, pathPrefix: folders.pathPrefix, pages });
  return { written: pages.length, report, lines: report.problems.map((problem) => describeLinkProblem(problem, folders)) };
}

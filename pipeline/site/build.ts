/**
 * Builds the site with Eleventy from inside this process (the config is TypeScript, which
 * Eleventy loads through tsx's loader), or serves it with live reload.
 */
import { mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error Eleventy ships no type declarations.
import Eleventy from '@11ty/eleventy';
import { StudyError } from '../core/errors.ts';
import { assertStudyPaths } from '../core/config.ts';
import type { LoadedConfig } from '../core/config-types.ts';
import type { Logger } from '../core/effects.ts';
import * as msg from '../core/messages.ts';
import { writeJsonAtomic } from '../core/atomic.ts';
import { explainBuildError } from './template-errors.ts';
import type { LinkReport } from './link-check.ts';
import { checkBuiltSite } from './link-source.ts';
import { publishSite } from './publish.ts';
import { LOOPBACK, patchDevServer } from './preview-guard.ts';

function eleventyFor(loaded: LoadedConfig, runMode: 'build' | 'serve', output = loaded.resolved.site) {
  process.env.STUDY_CONFIG = loaded.file;
  // Where .eleventy.ts writes: the site itself when serving, a folder beside it when building.
  process.env.STUDY_SITE_OUTPUT = output;
  // .eleventy.ts loads the config again: it must find the same project, whatever the current folder.
  process.env.STUDY_PROJECT = loaded.root;
  const configPath = relative(process.cwd(), fileURLToPath(new URL('../../.eleventy.ts', import.meta.url)));
  const eleventy = new Eleventy(undefined, undefined, { configPath, quietMode: true, runMode });
  // Eleventy logs to stdout; stdout belongs to --json output, so its messages go to stderr.
  // A failed build's error (with Eleventy's stack trace) is thrown and said once by the CLI,
  // its stack only under --debug; the live preview has no one to throw to, so it prints it.
  const toStderr = (...args: unknown[]) => void process.stderr.write(args.join(' ') + '\n');
  const error = runMode === 'serve' ? toStderr : () => undefined;
  eleventy.logger.overrideLogger({ log: toStderr, info: toStderr, warn: toStderr, error });
  return eleventy;
}

export interface SiteBuild {
  seconds: number;
  pages: number;
  links: LinkReport;
}

/**
 * Builds into a folder beside the site, checks every link and image of the result, and only
 * then puts its files in the site (publish.ts): a build that fails, or finds broken links, leaves the
 * previous site as it was. `allowBroken` publishes a site with broken links, each one warned.
 */
export async function buildSite(loaded: LoadedConfig, logger: Logger, options: { allowBroken?: boolean } = {}): Promise<SiteBuild> {
  const started = performance.now();
  // Eleventy would fail late, and vaguely, on a content folder that is not there.
  assertStudyPaths(loaded, { inputs: false });
  const site = loaded.resolved.site;
  const building = join(dirname(site), `.${basename(site)}.building`);
  await rm(building, { recursive: true, force: true });
  const eleventy = eleventyFor(loaded, 'build', building);
  let results: unknown;
  try {
    results = await eleventy.write();
  } catch (error) {
    // Left for the next build to clear: Eleventy rejects on the first failed page while its
    // passthrough copies are still writing into the folder.
    throw new StudyError(msg.siteFailed(explainBuildError(error, loaded.root)), { cause: error });
  }
  const { written, report: links, lines } = await checkBuiltSite(loaded, building, results);
  const listing = join(loaded.resolved.cache, 'site', 'links.json');
  await mkdir(dirname(listing), { recursive: true });
  await writeJsonAtomic(listing, { checked: links.checked, pages: links.pages, external: links.external, broken: lines });
  if (lines.length > 0) {
    if (!(options.allowBroken ?? loaded.config.site.allow_broken_links)) {
      await rm(building, { recursive: true, force: true });
      throw new StudyError(msg.brokenLinks(lines.length, new Set(links.problems.map((p) => p.page)).size, lines));
    }
    for (const line of lines) logger.warn(line);
    logger.warn(msg.brokenLinksAllowed(lines.length));
  }
  logger.info(msg.linksChecked(links.checked, links.pages, links.external.length, relative(process.cwd(), listing)));
  await publishSite(building, site);
  const seconds = (performance.now() - started) / 1000;
  logger.info(`[site] ${written} pages written to ${relative(process.cwd(), site) || '.'} in ${seconds.toFixed(1)}s`);
  return { seconds, pages: written, links };
}

export async function serveSite(loaded: LoadedConfig, port: number, host = LOOPBACK): Promise<void> {
  patchDevServer();
  process.env.STUDY_SERVE_HOST = host;
  const eleventy = eleventyFor(loaded, 'serve');
  await eleventy.init();
  await eleventy.watch();
  await eleventy.serve(port);
}

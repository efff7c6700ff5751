/**
 * Builds the site with Eleventy from inside this process (the config is TypeScript, which
 * Eleventy loads through tsx's loader), or serves it with live reload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error Eleventy ships no type declarations.
import Eleventy from '@11ty/eleventy';
import { StudyError } from '../core/errors.ts';
import { assertStudyPaths } from '../core/config.ts';
import type { LoadedConfig } from '../core/config-types.ts';
import type { Logger } from '../core/effects.ts';
import * as msg from '../core/messages.ts';

function eleventyFor(loaded: LoadedConfig, runMode: 'build' | 'serve') {
  process.env.STUDY_CONFIG = loaded.file;
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

/** Lines of a page's front matter, both `---` lines included (0 when it has none). */
export function frontMatterLines(text: string): number {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') return 0;
  const end = lines.findIndex((line, i) => i > 0 && /^---\s*$/.test(line));
  return end < 0 ? 0 : end + 1;
}

/** LiquidJS's position suffix: `…, file:PATH, line:N, col:M`, the line counted after the front matter. */
const LIQUID_POSITION = /^([\s\S]*?), file:(.+?), line:(\d+), col:(\d+)$/;

/**
 * A template error as the file and its real line: Liquid counts lines from the end of the front
 * matter (Eleventy hands it the page without it), so the front matter's lines are added back.
 */
export function templatePosition(message: string, cwd = process.cwd()): string | undefined {
  const match = LIQUID_POSITION.exec(message);
  if (!match) return undefined;
  const [, why, file, line, column] = match as unknown as [string, string, string, string, string];
  const path = resolve(cwd, file);
  const offset = existsSync(path) ? frontMatterLines(readFileSync(path, 'utf8')) : 0;
  return msg.templateError(relative(cwd, path) || file, Number(line) + offset, Number(column), why);
}

/** Explains Eleventy's nested errors by their innermost message (which names page and key). */
function unwrap(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    const positioned = templatePosition(current.message);
    if (positioned) return positioned;
    messages.push(current.message);
    current = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
  }
  return [...new Set(messages)].join('\n  caused by: ');
}

export async function buildSite(loaded: LoadedConfig, logger: Logger): Promise<{ seconds: number; pages: number }> {
  const started = performance.now();
  // Eleventy would fail late, and vaguely, on a content folder that is not there.
  assertStudyPaths(loaded, { inputs: false });
  const eleventy = eleventyFor(loaded, 'build');
  let results: unknown[];
  try {
    results = (await eleventy.write()) as unknown[];
  } catch (error) {
    throw new StudyError(msg.siteFailed(unwrap(error)), { cause: error });
  }
  const pages = Array.isArray(results) ? results.flat(2).filter((r) => r && typeof r === 'object' && 'outputPath' in (r as object)).length : 0;
  const seconds = (performance.now() - started) / 1000;
  logger.info(`[site] ${pages} pages written to ${relative(process.cwd(), loaded.resolved.site) || '.'} in ${seconds.toFixed(1)}s`);
  return { seconds, pages };
}

export async function serveSite(loaded: LoadedConfig, port: number): Promise<void> {
  const eleventy = eleventyFor(loaded, 'serve');
  await eleventy.init();
  await eleventy.watch();
  await eleventy.serve(port);
}

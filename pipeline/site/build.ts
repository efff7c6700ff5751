/**
 * Builds the site with Eleventy from inside this process (the config is TypeScript, which
 * Eleventy loads through tsx's loader), or serves it with live reload.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error Eleventy ships no type declarations.
import Eleventy from '@11ty/eleventy';
import { StudyError } from '../core/errors.ts';
import type { LoadedConfig } from '../core/config-types.ts';
import type { Logger } from '../core/effects.ts';
import * as msg from '../core/messages.ts';

function eleventyFor(loaded: LoadedConfig, runMode: 'build' | 'serve') {
  process.env.STUDY_CONFIG = loaded.file;
  const configPath = relative(process.cwd(), fileURLToPath(new URL('../../.eleventy.ts', import.meta.url)));
  const eleventy = new Eleventy(undefined, undefined, { configPath, quietMode: true, runMode });
  // Eleventy logs to stdout; stdout belongs to --json output, so its messages go to stderr.
  const toStderr = (...args: unknown[]) => void process.stderr.write(args.join(' ') + '\n');
  eleventy.logger.overrideLogger({ log: toStderr, info: toStderr, warn: toStderr, error: toStderr });
  return eleventy;
}

/** Explains Eleventy's nested errors by their innermost message (which names page and key). */
function unwrap(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    messages.push(current.message);
    current = (current as Error & { originalError?: unknown }).originalError ?? current.cause;
  }
  return [...new Set(messages)].join('\n  caused by: ');
}

export async function buildSite(loaded: LoadedConfig, logger: Logger): Promise<{ seconds: number; pages: number }> {
  const started = performance.now();
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

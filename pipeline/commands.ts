/**
 * The commands of `study`, each a thin wrapper that parses options, loads what it needs and
 * calls the stage or library function that does the work.
 */
import { createRequire } from 'node:module';
import type { Logger } from './core/effects.ts';
import { defaultConfig, loadConfig } from './core/config.ts';
import { StudyError } from './core/errors.ts';
import { runStages, writeRunManifest } from './stages.ts';
import { studyStages } from './graph.ts';
import { buildSite, serveSite } from './site/build.ts';
import { checkData, checkReport, requireUsable } from './data/check.ts';

export interface CommandInput {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  logger: Logger;
}

interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  description?: string;
  valueName?: string;
}

export interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  positionals?: boolean;
  run(input: CommandInput): Promise<unknown>;
}

const configOption: OptionSpec = { type: 'string', valueName: 'FILE', description: 'study configuration (default study.config.json)' };

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = { node: process.versions.node };
  for (const pkg of ['@11ty/eleventy', 'vega', 'vega-lite', 'sharp']) {
    try {
      out[pkg] = (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      // Packages whose exports hide package.json are simply not listed.
    }
  }
  out.study = (require('../package.json') as { version: string }).version;
  return out;
}

export const commands: Record<string, Command> = {
  build: {
    summary: 'run the pipeline (cached stages are skipped), then build the site',
    usage: '[--config FILE] [--force] [--only STAGE] [--no-site]',
    options: {
      config: configOption,
      force: { type: 'boolean', description: 're-run stages even when cached (with --only: that stage)' },
      only: { type: 'string', valueName: 'STAGE', description: 'run only this stage (its upstream must be complete)' },
      'no-site': { type: 'boolean', description: 'run the pipeline only' },
      'no-pipeline': { type: 'boolean', description: 'build the site only, from the _data already there' },
    },
    async run({ values, logger }) {
      const loaded = await loadConfig((values.config as string) ?? 'study.config.json');
      const started = performance.now();
      let stages: Awaited<ReturnType<typeof runStages>> = [];
      if (!values['no-pipeline']) {
        stages = await runStages(studyStages, loaded, {
          logger,
          force: Boolean(values.force),
          only: values.only as string | undefined,
        });
        await writeRunManifest(loaded, stages, { versions: versions(), backend: null });
      }
      const site = values['no-site'] ? undefined : await buildSite(loaded, logger);
      return { stages, site, seconds: (performance.now() - started) / 1000 };
    },
  },
  'check-data': {
    summary: 'validate a manifest and its photos; report every excluded row with its line and reason',
    usage: '--manifest FILE --images DIR [--config FILE] [--json]',
    options: {
      manifest: { type: 'string', valueName: 'FILE', description: 'manifest, CSV or JSONL (default: the config\'s)' },
      images: { type: 'string', valueName: 'DIR', description: 'images root (default: the config\'s)' },
      config: configOption,
    },
    async run({ values, logger }) {
      const loaded = await loadConfig((values.config as string) ?? 'study.config.json').catch((error) => {
        // check-data works without a project: fall back to the defaults when no config is given.
        if (values.config) throw error;
        return undefined;
      });
      const config = loaded?.config ?? (await defaultConfig());
      const manifest = (values.manifest as string | undefined) ?? loaded?.resolved.manifest;
      const images = (values.images as string | undefined) ?? loaded?.resolved.images;
      if (!manifest || !images) throw new StudyError('check-data needs --manifest FILE and --images DIR', { exitCode: 2 });
      const result = await checkData({
        manifest,
        images,
        format: config.dataset.format,
        columns: config.dataset.columns,
        maxPixels: config.dataset.max_pixels,
        nearDuplicateDistance: config.dataset.near_duplicate_distance,
        concurrency: config.preprocess.concurrency,
        logger,
      });
      const report = checkReport(result);
      if (!values.json) {
        for (const p of result.problems) logger.info(`${manifest}:${p.line}: ${p.reason}: ${p.detail}`);
        logger.info(`${result.rows} rows, ${result.usable} usable (not_sold ${result.by_label.not_sold}, sold ${result.by_label.sold}), ${result.problems.length} excluded, ${result.near_duplicates.length} near-duplicate pairs`);
      }
      requireUsable(result, manifest);
      return report;
    },
  },
  serve: {
    summary: "serve the site with live reload (Eleventy's dev server); the pipeline is not run",
    usage: '[--config FILE] [--port 8080]',
    options: { config: configOption, port: { type: 'string', valueName: 'PORT', description: 'port (default 8080)' } },
    async run({ values }) {
      const loaded = await loadConfig((values.config as string) ?? 'study.config.json');
      const port = Number(values.port ?? 8080);
      if (!Number.isInteger(port) || port <= 0) throw new StudyError(`--port must be a port number, got '${values.port}'`);
      await serveSite(loaded, port);
      return new Promise(() => {}); // until interrupted
    },
  },
};

/**
 * The commands of `study` that run a study (build, check-data, serve; the tools that run one
 * step on given files are in tool-commands.ts), each a thin wrapper that parses options, loads what it needs and
 * calls the stage or library function that does the work.
 */
import { configOption, type Command } from './command-types.ts';
import { toolCommands } from './tool-commands.ts';
import { assertStudyPaths, defaultConfig, loadConfig } from './core/config.ts';
import { integerOption, UsageError } from './core/options.ts';
import { versions } from './command-inputs.ts';
import { runStages, writeRunManifest } from './stages.ts';
import { studyStages } from './graph.ts';
import { isIP } from 'node:net';
import { buildSite, serveSite } from './site/build.ts';
import { checkData, checkReport, requireUsable } from './data/check.ts';
import * as msg from './core/messages.ts';

/** check-data's text mode lists this many near-duplicate pairs, then counts the rest. */
const NEAR_DUPLICATES_SHOWN = 20;

export const commands: Record<string, Command> = {
  build: {
    summary: 'run the pipeline (cached stages are skipped), then build the site',
    usage: '[--config FILE] [--force] [--only STAGE] [--no-site] [--no-pipeline] [--allow-broken]',
    options: {
      config: configOption,
      force: { type: 'boolean', description: 're-run stages even when cached (with --only: that stage)' },
      only: { type: 'string', valueName: 'STAGE', description: 'run only this stage (its upstream must be complete)' },
      'no-site': { type: 'boolean', description: 'run the pipeline only' },
      'no-pipeline': { type: 'boolean', description: 'build the site only, from the _data already there' },
      'allow-broken': { type: 'boolean', description: 'publish the site even when links or images are broken (each is warned)' },
    },
    async run({ values, logger }) {
      // With a site to build, the project may be the folder study runs in (a config kept beside the
      // data elsewhere), and its content folder is checked before the first stage runs.
      const withSite = !values['no-site'];
      const loaded = await loadConfig((values.config as string) ?? 'study.config.json', withSite ? { cwd: process.cwd() } : {});
      // Every input the pipeline reads, and the content folder when a site is built, before any stage.
      assertStudyPaths(loaded, { inputs: !values['no-pipeline'], content: withSite });
      const started = performance.now();
      let stages: Awaited<ReturnType<typeof runStages>> = [];
      if (!values['no-pipeline']) {
        const runVersions = versions();
        stages = await runStages(studyStages, loaded, {
          logger,
          versions: runVersions,
          force: Boolean(values.force),
          only: values.only as string | undefined,
        });
        await writeRunManifest(loaded, stages, runVersions);
      }
      const site = values['no-site'] ? undefined : await buildSite(loaded, logger, { allowBroken: values['allow-broken'] ? true : undefined });
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
      if (!manifest || !images) throw new UsageError(msg.checkDataNeeds());
      const result = await checkData({
        manifest,
        images,
        format: config.dataset.format,
        columns: config.dataset.columns,
        delimiter: config.dataset.delimiter,
        decimal: config.dataset.decimal,
        labelValues: config.dataset.label_values,
        maxPixels: config.dataset.max_pixels,
        nearDuplicateDistance: config.dataset.near_duplicate_distance,
        concurrency: config.preprocess.concurrency,
        logger,
      });
      const report = checkReport(result);
      if (!values.json) {
        for (const p of result.problems) logger.info(`${manifest}:${p.line}: ${p.reason}: ${p.detail}`);
        // Near-duplicate pairs are not excluded rows: they follow the problems.
        for (const n of result.near_duplicates.slice(0, NEAR_DUPLICATES_SHOWN)) {
          logger.info(`${manifest}:${n.line}: near_duplicate: ${msg.nearDuplicatePair(n.id, n.of_line, n.of_id, n.distance)}`);
        }
        const more = result.near_duplicates.length - NEAR_DUPLICATES_SHOWN;
        if (more > 0) logger.info(msg.nearDuplicatesMore(more));
        logger.info(`${result.rows} rows, ${result.usable} usable (not_sold ${result.by_label.not_sold}, sold ${result.by_label.sold}), ${result.problems.length} excluded, ${result.near_duplicates.length} near-duplicate pairs`);
      }
      requireUsable(result, manifest);
      return report;
    },
  },
  ...toolCommands,
  serve: {
    summary: "serve the site with live reload (Eleventy's dev server); the pipeline is not run",
    usage: '[--config FILE] [--port 8080] [--host ADDRESS]',
    options: {
      config: configOption,
      port: { type: 'string', valueName: 'PORT', description: 'port (default 8080; the next free one if taken)' },
      host: { type: 'string', valueName: 'ADDRESS', description: 'address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 shares the draft with the network)' },
    },
    async run({ values }) {
      const port = integerOption(values.port, 'port', 8080, 1, 65535);
      const host = (values.host as string | undefined) ?? '127.0.0.1';
      if (isIP(host) === 0 && host !== 'localhost') throw new UsageError(msg.hostOption(host));
      const loaded = await loadConfig((values.config as string) ?? 'study.config.json');
      await serveSite(loaded, port, host);
      return new Promise(() => {}); // until interrupted
    },
  },
};

/**
 * The commands of `study`, each a thin wrapper that parses options, loads what it needs and
 * calls the stage or library function that does the work.
 */
import type { Logger } from './core/effects.ts';
import { assertStudyPaths, defaultConfig, loadConfig } from './core/config.ts';
import { FileError, StudyError } from './core/errors.ts';
import { enumOption, integerOption, numberOption, UsageError } from './core/options.ts';
import { engineOption, fileList, photoCommandInputs, readJson, readNumberRows, requireOption, versions } from './command-inputs.ts';
import { runStages, writeRunManifest } from './stages.ts';
import { studyStages } from './graph.ts';
import { isIP } from 'node:net';
import { buildSite, serveSite } from './site/build.ts';
import { checkData, checkReport, requireUsable } from './data/check.ts';
import * as msg from './core/messages.ts';

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

const backendOptionSpec: OptionSpec = { type: 'string', valueName: 'NAME', description: 'forward engine: auto, onnxruntime, or a TensorFlow.js backend (tensorflow, wasm, webgpu, cpu)' };

const configOption: OptionSpec = { type: 'string', valueName: 'FILE', description: 'study configuration (default study.config.json)' };

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
  forward: {
    summary: 'run a ResNet checkpoint on an input batch: logits and penultimate features',
    usage: '--weights FILE --input FILE.json [--backend auto] [--json]',
    options: {
      weights: { type: 'string', valueName: 'FILE', description: 'torchvision-layout .safetensors (or a checkpoint the pipeline wrote)' },
      input: { type: 'string', valueName: 'FILE', description: 'JSON {"input_nchw": [N][3][H][W]}' },
      backend: backendOptionSpec,
    },
    async run({ values }) {
      const weights = requireOption(values, 'weights');
      const inputFile = requireOption(values, 'input');
      const { openForwardNetwork } = await import('./model/inference.ts');
      const { nchwToNhwc, rows } = await import('./model/forward.ts');
      const input = await readJson(inputFile);
      if (!input || typeof input !== 'object' || !('input_nchw' in input)) throw new FileError(inputFile, msg.expectedInputObject());
      const { x, shape } = nchwToNhwc((input as { input_nchw: never }).input_nchw, `${inputFile}: input_nchw`);
      const net = await openForwardNetwork(weights, engineOption(values));
      try {
        const out = await net.run(x, shape);
        return { logits: rows(out.logits, shape[0]), penultimate: rows(out.features, shape[0]) };
      } finally {
        await net.close();
      }
    },
  },
  gradcam: {
    summary: 'Grad-CAM maps of a ResNet checkpoint for an input batch or photos',
    usage: '--weights FILE --input FILE.json|IMAGE... [--layer layer4] [--target sold|not_sold] [--overlay OUT.png] [--json]',
    positionals: true,
    options: {
      weights: { type: 'string', valueName: 'FILE', description: 'torchvision-layout .safetensors (one logit)' },
      input: { type: 'string', multiple: true, valueName: 'FILE', description: 'JSON {"input_nchw": [N][3][H][W]} or photos (preprocessed as the pipeline does)' },
      layer: { type: 'string', valueName: 'NAME', description: 'layer1..layer4 (default layer4)' },
      target: { type: 'string', valueName: 'CLASS', description: 'sold or not_sold (default: each image\'s predicted class)' },
      overlay: { type: 'string', valueName: 'OUT.png', description: 'write the first map over the first photo (photos only)' },
      size: { type: 'string', valueName: 'PX', description: 'input size for photos (default: stored with the model, else preprocess.size)' },
      config: configOption,
      backend: backendOptionSpec,
    },
    async run({ values, positionals }) {
      const { weights, files: inputs, size, config } = await photoCommandInputs(values, positionals, 'input');
      const target = enumOption(values.target, 'target', ['sold', 'not_sold'] as const);
      const { gradcamCommand } = await import('./explain/command.ts');
      return gradcamCommand({ weights, inputs, layer: (values.layer as string) ?? 'layer4', target, overlay: values.overlay as string | undefined, size, config, engine: engineOption(values, config) });
    },
  },
  'embed-clip': {
    summary: 'CLIP image embeddings of photos (transformers.js), raw image_embeds unless --normalize',
    usage: '--model DIR|HUB_ID --images FILE... [--normalize] [--json]',
    positionals: true,
    options: {
      model: { type: 'string', valueName: 'DIR|ID', description: 'a local transformers.js model folder or a hub id (default Xenova/clip-vit-base-patch32, pinned)' },
      images: { type: 'string', multiple: true, valueName: 'FILE', description: 'photos (more may follow as arguments)' },
      normalize: { type: 'boolean', description: 'L2-normalise each embedding' },
      dtype: { type: 'string', valueName: 'fp32|q8', description: 'weights to load (default fp32)' },
      config: configOption,
    },
    async run({ values, positionals }) {
      const images = fileList(values, positionals, 'images');
      if (images.length === 0) throw new UsageError(msg.optionNeedsPhoto('images'));
      const dtype = (values.dtype as string | undefined) ?? 'fp32';
      if (dtype !== 'fp32' && dtype !== 'q8') throw new UsageError(msg.enumOption('dtype', dtype, ['fp32', 'q8']));
      const loaded = values.config ? await loadConfig(values.config as string) : undefined;
      const { loadClip, clipPixels, CLIP_DEFAULT } = await import('./embed/clip.ts');
      const clip = await loadClip({ model: (values.model as string | undefined) ?? CLIP_DEFAULT.id, root: process.cwd(), cacheDir: loaded?.resolved.cache ?? '.cache', dtype });
      try {
        const per = 3 * clip.preprocessor.crop.height * clip.preprocessor.crop.width;
        const pixels = new Float32Array(images.length * per);
        for (const [i, image] of images.entries()) {
          try {
            pixels.set(await clipPixels(image, clip.preprocessor), i * per);
          } catch (error) {
            throw new StudyError(msg.notAnImage(image, (error as Error).message));
          }
        }
        const { data, dim } = await clip.embed(pixels, images.length);
        const embeddings = images.map((_, i) => {
          const row = Array.from(data.subarray(i * dim, (i + 1) * dim));
          if (!values.normalize) return row;
          const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0)) || 1;
          return row.map((v) => v / norm);
        });
        return { model: clip.name, embeddings };
      } finally {
        await clip.dispose();
      }
    },
  },
  tsne: {
    summary: 'Barnes-Hut t-SNE of an embedding matrix (PCA to 50 dimensions first when wider)',
    usage: '--input FILE.json [--perplexity 30] [--pca 50] [--theta 0.5] [--seed 0] [--json]',
    options: {
      input: { type: 'string', valueName: 'FILE', description: 'JSON: an array of equal-length number arrays' },
      perplexity: { type: 'string', valueName: 'P', description: 'perplexity (default 30); needs more than 3 x P points' },
      pca: { type: 'string', valueName: 'D', description: 'PCA to D dimensions first when wider (default 50; 0 turns it off)' },
      theta: { type: 'string', valueName: 'T', description: 'Barnes-Hut accuracy, 0..1 (default 0.5; smaller is more exact)' },
      iterations: { type: 'string', valueName: 'N', description: 'gradient steps (default 1000)' },
      seed: { type: 'string', valueName: 'S', description: 'seed (default 0)' },
    },
    async run({ values }) {
      const { tsne } = await import('./cluster/tsne.ts');
      // Options first: a bad one is named before any file is read.
      const options = {
        perplexity: numberOption(values.perplexity, 'perplexity', 30, { above: 0 }),
        theta: numberOption(values.theta, 'theta', 0.5, { min: 0, max: 1 }),
        pcaDimensions: integerOption(values.pca, 'pca', 50, 0),
        iterations: integerOption(values.iterations, 'iterations', 1000, 1),
        seed: integerOption(values.seed, 'seed', 0, 0),
      };
      const rows = await readNumberRows(requireOption(values, 'input'));
      return { coordinates: await tsne(rows, options) };
    },
  },
  kmeans: {
    summary: 'KMeans (k-means++ seeding, restarts) at one K, or an elbow over a K range with the knee chosen by Kneedle',
    usage: '--input FILE.json (--k K | --k-range 2..10) [--restarts 10] [--seed 0] [--json]',
    options: {
      input: { type: 'string', valueName: 'FILE', description: 'JSON: an array of equal-length number arrays' },
      k: { type: 'string', valueName: 'K', description: 'number of clusters' },
      'k-range': { type: 'string', valueName: 'A..B', description: 'inclusive range of K for the elbow' },
      restarts: { type: 'string', valueName: 'N', description: 'k-means++ restarts, the lowest inertia kept (default 10)' },
      seed: { type: 'string', valueName: 'S', description: 'seed (default 0)' },
    },
    async run({ values }) {
      const { Matrix, kmeans } = await import('./cluster/kmeans.ts');
      const { elbow } = await import('./cluster/elbow.ts');
      const x = Matrix.from(await readNumberRows(requireOption(values, 'input')));
      const restarts = integerOption(values.restarts, 'restarts', 10, 1);
      const seed = integerOption(values.seed, 'seed', 0, 0);
      if ((values.k === undefined) === (values['k-range'] === undefined)) throw new UsageError(msg.kOrRange());
      if (values.k !== undefined) {
        const k = integerOption(values.k, 'k', 2, 1);
        if (k > x.rows) throw new UsageError(msg.kAbovePoints(k, x.rows));
        const { iterations: _, ...result } = await kmeans(x, k, { restarts, seed });
        return result;
      }
      const match = /^(\d+)\.\.(\d+)$/.exec(String(values['k-range']));
      if (!match || Number(match[1]) < 1 || Number(match[2]) < Number(match[1]) || Number(match[2]) > x.rows) {
        throw new UsageError(msg.badKRange(values['k-range'], x.rows));
      }
      const ks = Array.from({ length: Number(match[2]) - Number(match[1]) + 1 }, (_, i) => Number(match[1]) + i);
      const { elbow: curve, chosen_k, method, result } = await elbow(x, ks, { restarts, seed });
      const { iterations: _, ...chosen } = result;
      return { elbow: curve, chosen_k, method, ...chosen };
    },
  },
  evaluate: {
    summary: 'score predictions: the classification report (as scikit-learn), confusion matrix, ROC, AUC and bootstrap intervals',
    usage: '--predictions FILE.csv [--threshold 0.5] [--json]',
    options: {
      predictions: { type: 'string', valueName: 'FILE', description: 'CSV with y_true and y_score (probability of sold) and/or y_pred' },
      threshold: { type: 'string', valueName: 'T', description: 'predicted sold when y_score >= T (default 0.5; y_pred, when present, decides)' },
    },
    async run({ values, logger }) {
      const file = requireOption(values, 'predictions');
      const threshold = numberOption(values.threshold, 'threshold', 0.5);
      const { readPredictions } = await import('./evaluate/predictions-file.ts');
      const { evaluatePredictions } = await import('./evaluate/evaluate.ts');
      const { yTrue, scores, predictions } = await readPredictions(file);
      const { warnings, ...evaluation } = evaluatePredictions(yTrue, { scores, predictions, threshold });
      for (const w of warnings) logger.warn(w);
      if (!values.json) {
        const r = evaluation.report;
        logger.info(`accuracy ${r.accuracy.toFixed(4)}, macro F1 ${r['macro avg']['f1-score'].toFixed(4)}${evaluation.roc_auc === null ? '' : `, ROC AUC ${evaluation.roc_auc.toFixed(4)}`}`);
      }
      return evaluation;
    },
  },
  predict: {
    summary: 'score new photos with a trained model: probability of selling',
    usage: '--weights FILE --images FILE... [--size 96] [--json]',
    positionals: true,
    options: {
      weights: { type: 'string', valueName: 'FILE', description: 'the trained model (.cache/train/model.safetensors) or any torchvision-layout ResNet with one logit' },
      images: { type: 'string', multiple: true, valueName: 'FILE', description: 'photos to score (more may follow as arguments)' },
      size: { type: 'string', valueName: 'PX', description: "input size (default: the size stored with the model, else the config's preprocess.size)" },
      config: configOption,
      backend: backendOptionSpec,
    },
    async run({ values, positionals }) {
      const { weights, files: images, size, config } = await photoCommandInputs(values, positionals, 'images');
      const { predictImages } = await import('./model/predict.ts');
      return { predictions: await predictImages({ weights, images, size, config, engine: engineOption(values, config) }) };
    },
  },
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

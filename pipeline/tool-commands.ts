/**
 * The commands that run one step of the study on files a user gives (a forward pass, Grad-CAM,
 * CLIP embeddings, t-SNE, KMeans, an evaluation, predictions), outside a build.
 */
import { backendOptionSpec, configOption, type Command } from './command-types.ts';
import { loadConfig } from './core/config.ts';
import { FileError, StudyError } from './core/errors.ts';
import { enumOption, integerOption, numberOption, UsageError } from './core/options.ts';
import { engineOption, fileList, photoCommandInputs, readJson, readNumberRows, requireOption } from './command-inputs.ts';
import * as msg from './core/messages.ts';
export const toolCommands: Record<string, Command> = {
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
    summary: 'Grad-CAM (or Grad-CAM++) maps of a ResNet checkpoint for an input batch or photos',
    usage: '--weights FILE --input FILE.json|IMAGE... [--layer layer4] [--target sold|not_sold] [--method gradcam|gradcam++] [--overlay OUT.png] [--json]',
    positionals: true,
    options: {
      weights: { type: 'string', valueName: 'FILE', description: 'torchvision-layout .safetensors (one logit)' },
      input: { type: 'string', multiple: true, valueName: 'FILE', description: 'JSON {"input_nchw": [N][3][H][W]} or photos (preprocessed as the pipeline does)' },
      layer: { type: 'string', valueName: 'NAME', description: 'layer1..layer4 (default layer4)' },
      target: { type: 'string', valueName: 'CLASS', description: 'sold or not_sold (default: each image\'s predicted class)' },
      method: { type: 'string', valueName: 'NAME', description: 'gradcam (default) or gradcam++' },
      overlay: { type: 'string', valueName: 'OUT.png', description: 'write the first map over the first photo (photos only)' },
      size: { type: 'string', valueName: 'PX', description: 'input size for photos (default: stored with the model, else preprocess.size)' },
      config: configOption,
      backend: backendOptionSpec,
    },
    async run({ values, positionals }) {
      const { weights, files: inputs, size, config } = await photoCommandInputs(values, positionals, 'input');
      const target = enumOption(values.target, 'target', ['sold', 'not_sold'] as const);
      const { EXPLAINER_IDS } = await import('./explain/explainer.ts');
      const method = enumOption(values.method, 'method', EXPLAINER_IDS, 'gradcam');
      const { gradcamCommand } = await import('./explain/command.ts');
      return gradcamCommand({ weights, inputs, layer: (values.layer as string) ?? 'layer4', target, method, overlay: values.overlay as string | undefined, size, config, engine: engineOption(values, config) });
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
      const { kmeans } = await import('./cluster/kmeans.ts');
      const { Matrix } = await import('./cluster/distances.ts');
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
};

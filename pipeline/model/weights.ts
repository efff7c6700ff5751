/**
 * Where a network's starting weights come from, and the network they make:
 *   "imagenet" -> the pinned hub checkpoint (hub.ts), random initialisation when offline;
 *   "none"     -> random initialisation of the configured layout;
 *   a path     -> a torchvision-layout .safetensors file (also what the pipeline exports).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { StudyError } from '../core/errors.ts';
import { withoutMachinePaths } from '../core/public-text.ts';
import type { Logger } from '../core/effects.ts';
import { fetchHubFile, huggingFaceCachePath, projectCachePath, RESNET50_IMAGENET, type FetchLike } from './hub.ts';
import { buildResNet, RESNET50, type ResNet, type ResNetSpec } from './resnet.ts';
import { readSafetensors } from './safetensors.ts';
import { loadTorchWeights, specFromTensors } from './torch-layout.ts';
import * as msg from '../core/messages.ts';

export interface WeightsOrigin {
  /** What was asked for. */
  requested: string;
  /** What was used: the ImageNet checkpoint, a file, or random initialisation. */
  used: 'imagenet' | 'file' | 'random';
  path?: string;
  /** Why ImageNet weights were not used, when they were asked for. */
  fallback?: string;
  /** A weights file's own account of itself (safetensors metadata `description`). */
  description?: string;
  /** The Markdown card its metadata names (`card`, relative to the file), e.g. the demo's BACKBONE.md. */
  card?: string;
}

export function specFromConfig(blocks: number[], widthPerGroup: number): ResNetSpec {
  return {
    stemWidth: 64,
    blocks,
    widths: blocks.map((_, i) => ((64 * 2 ** i) * widthPerGroup) / 64),
    outChannels: blocks.map((_, i) => 256 * 2 ** i),
    classes: 1,
  };
}

export interface StartingNetworkOptions {
  weights: string;
  blocks: number[];
  widthPerGroup: number;
  seed: number;
  cacheDir: string;
  root: string;
  logger: Logger;
  fetch?: FetchLike;
  env?: NodeJS.ProcessEnv;
}

/** The files the starting weights are read from (where ImageNet's would be found, when cached). */
export function startingWeightsFiles(weights: string, root: string, cacheDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (weights === 'none') return [];
  if (weights === 'imagenet') return [projectCachePath(RESNET50_IMAGENET, cacheDir), huggingFaceCachePath(RESNET50_IMAGENET, env)];
  return [resolve(root, weights)];
}

/**
 * The network training starts from: the backbone from the weights, and a fresh single-logit
 * head (the study replaced ResNet50's 1,000-class layer by one output).
 */
export async function startingNetwork(options: StartingNetworkOptions): Promise<{ net: ResNet; origin: WeightsOrigin }> {
  const random = (fallback?: string) => {
    const layout = fallback ? RESNET50 : specFromConfig(options.blocks, options.widthPerGroup);
    return { net: buildResNet({ ...layout, classes: 1 }, options.seed), origin: { requested: options.weights, used: 'random' as const, fallback } };
  };
  if (options.weights === 'none') return random();
  let path: string;
  let used: 'imagenet' | 'file';
  if (options.weights === 'imagenet') {
    const hub = await fetchHubFile(RESNET50_IMAGENET, { cacheDir: options.cacheDir, logger: options.logger, fetch: options.fetch, env: options.env });
    if (!hub.ok) {
      // The terminal gets the full path to put the file at; what reaches _data names no machine folder.
      options.logger.warn(msg.imagenetUnavailable(hub.reason, projectCachePath(RESNET50_IMAGENET, options.cacheDir)));
      return random(withoutMachinePaths(hub.reason, [options.root, dirname(options.cacheDir)]));
    }
    path = hub.path;
    used = 'imagenet';
  } else {
    path = resolve(options.root, options.weights);
    if (!existsSync(path)) throw new StudyError(msg.weightsFileMissing(path));
    used = 'file';
  }
  const { tensors, metadata } = await readSafetensors(path);
  const spec = specFromTensors(tensors, path);
  const net = buildResNet({ ...spec, classes: 1 }, options.seed);
  // A one-logit checkpoint (ours, exported) keeps its head; a pretrained N-class head is replaced.
  loadTorchWeights(net, tensors, path, { head: spec.classes === 1 });
  const card = metadata.card ? await readFile(resolve(dirname(path), metadata.card), 'utf8').catch(() => undefined) : undefined;
  return { net, origin: { requested: options.weights, used, path, description: metadata.description, card } };
}

/** A network exactly as a weights file describes it (forward, gradcam, predict). */
export async function networkFromFile(path: string): Promise<ResNet> {
  const { tensors } = await readSafetensors(path);
  const net = buildResNet(specFromTensors(tensors, path));
  loadTorchWeights(net, tensors, path);
  return net;
}

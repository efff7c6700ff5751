/**
 * What the commands share: reading their options and input files with messages that name the
 * option or file, and the versions a build records.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, loadConfig } from './core/config.ts';
import { FileError } from './core/errors.ts';
import { optionalIntegerOption, UsageError } from './core/options.ts';
import { BACKENDS, type BackendName } from './model/backend-names.ts';
import type { ModelConfig, StudyConfig } from './core/config-types.ts';
import { jpegTurboStatus } from './data/jpeg-turbo.ts';
import * as msg from './core/messages.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * The packages whose code shaped an output: the pipeline's engines, decoders and parsers, and
 * what renders the site. The optional TensorFlow.js backends are listed when installed.
 */
const RECORDED_PACKAGES = [
  'onnxruntime-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@huggingface/transformers',
  'sharp', 'csv-parse', '@11ty/eleventy', 'markdown-it', 'vega', 'vega-lite', 'vega-embed', 'd3-scale-chromatic',
];
const OPTIONAL_PACKAGES = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-webgpu'];

/**
 * Where an installed package is and its package.json, read by path in each folder Node would
 * look in (a package's `exports` may hide its package.json from `require`).
 */
function installedPackage(pkg: string): { dir: string; version: string } | undefined {
  for (const modules of createRequire(import.meta.url).resolve.paths(pkg) ?? []) {
    const dir = join(modules, pkg);
    try {
      const json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (json.name === pkg && typeof json.version === 'string') return { dir, version: json.version };
    } catch {
      // Not in this folder: try the next one up.
    }
  }
  return undefined;
}

/** libvips as sharp loads it: the prebuilt package for this platform, when sharp uses one. */
function libvipsVersion(): string | undefined {
  for (const platform of [`${process.platform}-${process.arch}`, `${process.platform}musl-${process.arch}`]) {
    const found = installedPackage(`@img/sharp-libvips-${platform}`);
    if (!found) continue;
    try {
      return (JSON.parse(readFileSync(join(found.dir, 'versions.json'), 'utf8')) as { vips?: string }).vips;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** What `_data/run.json` records as this run's versions: Node, every package above, this project, the native decoders. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node };
  for (const pkg of [...RECORDED_PACKAGES, ...OPTIONAL_PACKAGES]) {
    const found = installedPackage(pkg);
    if (found) out[pkg] = found.version;
  }
  const vips = libvipsVersion();
  if (vips) out['libvips (sharp)'] = vips;
  out.study = (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  const jpeg = jpegTurboStatus();
  if (jpeg.version) out['libjpeg-turbo (addon)'] = jpeg.version;
  return out;
}

export function requireOption(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(msg.optionRequired(name));
  return value;
}

export function backendOption(values: Values): BackendName | 'auto' {
  const value = (values.backend as string | undefined) ?? 'auto';
  if (value !== 'auto' && !(BACKENDS as string[]).includes(value)) throw new UsageError(msg.enumOption('backend', value, ['auto', ...BACKENDS]));
  return value as BackendName | 'auto';
}

/** --backend for forward-only commands: `onnxruntime` or a TensorFlow.js backend; otherwise the config's engine. */
export function engineOption(values: Values, config?: StudyConfig): Pick<ModelConfig, 'inference' | 'backend'> {
  const value = values.backend as string | undefined;
  if (value === 'onnxruntime') return { inference: 'onnxruntime', backend: config?.model.backend ?? 'auto' };
  if (value === undefined || value === 'auto') return { inference: config?.model.inference ?? 'auto', backend: config?.model.backend ?? 'auto' };
  return { inference: 'tfjs', backend: backendOption(values) };
}

export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileError(path, msg.cannotRead((error as Error).message));
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FileError(path, msg.notJson((error as Error).message));
  }
}

/** The --config file's settings, or the defaults when none is given. */
export async function configOrDefaults(values: Values) {
  return values.config ? (await loadConfig(values.config as string)).config : defaultConfig();
}

/** A repeatable file option plus the positional arguments after it. */
export function fileList(values: Values, positionals: string[], name: string): string[] {
  return [...((values[name] as string[] | undefined) ?? []), ...positionals];
}


/** An array of equal-length number arrays (embeddings), with a clear message otherwise. */
export async function readNumberRows(path: string): Promise<number[][]> {
  const rows = await readJson(path);
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r))) throw new FileError(path, msg.expectedRows());
  const width = (rows[0] as unknown[]).length;
  rows.forEach((r, i) => {
    if ((r as unknown[]).length !== width) throw new FileError(path, msg.rowWidth(i, (r as unknown[]).length, width));
    if (!(r as unknown[]).every((v) => typeof v === 'number' && Number.isFinite(v))) throw new FileError(path, msg.rowNotFinite(i));
  });
  return rows as number[][];
}

/** What the photo commands (gradcam, predict) share: the weights, a non-empty file list, the input size and the configuration. */
export async function photoCommandInputs(values: Values, positionals: string[], list: 'input' | 'images') {
  const weights = requireOption(values, 'weights');
  const files = fileList(values, positionals, list);
  if (files.length === 0) throw new UsageError(list === 'images' ? msg.optionNeedsPhoto(list) : msg.optionRequired(list));
  const size = optionalIntegerOption(values.size, 'size', 16, 1024);
  return { weights, files, size, config: await configOrDefaults(values) };
}

import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { FileError, StudyError } from './errors.ts';
import type { LoadedConfig, StudyConfig } from './config-types.ts';
import * as msg from './messages.ts';
import { labelValuesOverlap } from '../data/labels.ts';
import { closestKey } from './did-you-mean.ts';

const schemaPath = fileURLToPath(new URL('../../study.schema.json', import.meta.url));
let validator: ValidateFunction | undefined;

async function getValidator(): Promise<ValidateFunction> {
  if (!validator) {
    const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Dotted key of an error, e.g. `dataset.columns.id`. */
function keyOf(error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  return path.join('.') || '(top level)';
}

/** Keys that moved, and where they are now. */
const MOVED_KEYS: Record<string, string> = {
  'cluster.resnet_k': 'cluster.k.resnet',
  'clip.k': 'cluster.k.clip',
};

function describe(error: ErrorObject): string {
  const key = keyOf(error);
  switch (error.keyword) {
    case 'additionalProperties': {
      if (MOVED_KEYS[key]) return msg.movedConfigKey(key, MOVED_KEYS[key]);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const near = closestKey(String(error.params.additionalProperty), known);
      const prefix = key.slice(0, key.length - String(error.params.additionalProperty).length);
      return near === undefined ? msg.unknownConfigKeyChoices(key, known) : msg.unknownConfigKey(key, prefix + near);
    }
    case 'type':
      return `'${key}' must be ${error.params.type}`;
    case 'enum':
      return `'${key}' must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `'${key}' ${error.message}`;
  }
}

/** Validates a parsed config and fills in every default. Collects all errors before failing. */
export async function validateConfig(raw: unknown, file = 'study.config.json'): Promise<StudyConfig> {
  const validate = await getValidator();
  const copy = structuredClone(raw ?? {});
  if (!validate(copy)) {
    const messages = [...new Set((validate.errors ?? []).map(describe))];
    throw new FileError(file, msg.configInvalid(messages));
  }
  const config = copy as StudyConfig & { $schema?: string };
  delete config.$schema;
  const overlap = config.dataset.label_values ? labelValuesOverlap(config.dataset.label_values) : [];
  if (overlap.length) throw new FileError(file, msg.configInvalid([msg.labelValuesOverlap(overlap)]));
  return config;
}

/** The configuration with nothing set: the published study's settings for real data. */
export async function defaultConfig(): Promise<StudyConfig> {
  return validateConfig({});
}

/** Resolves `path` against `root` and refuses anything that leaves it. */
export function resolveInside(root: string, path: string, key: string): string {
  const absolute = resolve(root, path);
  const rel = relative(root, absolute);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new StudyError(msg.pathOutsideProject(key, path, root));
  }
  return absolute;
}

/**
 * `cwd`: a folder taken as the project when the config's own folder holds no content (`study
 * build` passes the folder it runs in when it builds the site; without it, no fallback).
 */
export async function loadConfig(file = 'study.config.json', options: { cwd?: string } = {}): Promise<LoadedConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FileError(file, msg.configUnreadable((cause as Error).message), undefined, cause);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new FileError(file, msg.notJson((cause as Error).message), undefined, cause);
  }
  const config = await validateConfig(raw, file);
  return resolveConfig(config, path, { cwd: options.cwd });
}

const isFolder = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The project folder (see LoadedConfig.root): paths.project when set (relative to the config's
 * folder); else the config's folder when it holds paths.content; else `cwd` (given by
 * loadConfig: the folder `study` runs in) when it holds paths.content; else the config's folder,
 * and checkStudyPaths says what is missing.
 */
export function projectFolder(config: StudyConfig, base: string, cwd?: string): string {
  if (config.paths.project !== null) return resolve(base, config.paths.project);
  if (isFolder(resolve(base, config.paths.content))) return base;
  if (cwd !== undefined && isFolder(resolve(cwd, config.paths.content))) return resolve(cwd);
  return base;
}

/**
 * Inputs (manifest, images, weights, a local CLIP model) resolve against the config file's
 * folder; the content and every output against the project folder, outputs never leaving it.
 */
export function resolveConfig(config: StudyConfig, file: string, options: { cwd?: string } = {}): LoadedConfig {
  const base = dirname(resolve(file));
  const root = projectFolder(config, base, options.cwd);
  return {
    file,
    root,
    base,
    config,
    resolved: {
      // Inputs may live anywhere the user keeps their data.
      manifest: resolve(base, config.dataset.manifest),
      images: resolve(base, config.dataset.images),
      content: resolve(root, config.paths.content),
      // Outputs never leave the project.
      data: resolveInside(root, config.paths.data, 'paths.data'),
      cache: resolveInside(root, config.paths.cache, 'paths.cache'),
      assets: resolveInside(root, config.paths.assets, 'paths.assets'),
      site: resolveInside(root, config.paths.site, 'paths.site'),
    },
  };
}

/** A configured clip.model that names a local folder rather than a hub id. */
const localPath = (value: string) => /^(\.{1,2}([\\/]|$)|[\\/]|~|[A-Za-z]:[\\/])/.test(value);

/**
 * Every input path the study reads and the content folder, checked before the first stage runs:
 * one message per missing one, naming the key, the path tried and what would work.
 */
export function checkStudyPaths(loaded: LoadedConfig, options: { inputs?: boolean; content?: boolean } = {}): string[] {
  const { config, base, resolved } = loaded;
  const problems: string[] = [];
  const isFile = (path: string) => existsSync(path) && !isFolder(path);
  if (options.inputs !== false) {
    if (!isFile(resolved.manifest)) problems.push(msg.inputPathMissing('dataset.manifest', config.dataset.manifest, resolved.manifest, 'file', base));
    if (!isFolder(resolved.images)) problems.push(msg.inputPathMissing('dataset.images', config.dataset.images, resolved.images, 'folder', base));
    const weights = config.model.weights;
    if (weights !== 'imagenet' && weights !== 'none' && !isFile(resolve(base, weights))) problems.push(msg.inputPathMissing('model.weights', weights, resolve(base, weights), 'file', base));
    const clip = config.clip.model;
    if (localPath(clip) && !isFolder(resolve(base, clip))) problems.push(msg.inputPathMissing('clip.model', clip, resolve(base, clip), 'folder', base));
  }
  if (options.content !== false && !isFolder(resolved.content)) problems.push(msg.contentFolderMissing(config.paths.content, resolved.content, loaded.root, loaded.file));
  return problems;
}

/** Fails, naming the config file, when checkStudyPaths finds anything missing. */
export function assertStudyPaths(loaded: LoadedConfig, options: { inputs?: boolean; content?: boolean } = {}): void {
  const problems = checkStudyPaths(loaded, options);
  if (problems.length) throw new FileError(loaded.file, msg.configPathsMissing(problems));
}

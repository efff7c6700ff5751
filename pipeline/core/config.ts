import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { FileError, StudyError } from './errors.ts';
import type { LoadedConfig, StudyConfig } from './config-types.ts';
import * as msg from './messages.ts';
import { labelValuesOverlap } from '../data/labels.ts';

const schemaPath = fileURLToPath(new URL('../../study.schema.json', import.meta.url));
let validator: ValidateFunction | undefined;

async function getValidator(): Promise<ValidateFunction> {
  if (!validator) {
    const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
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

function describe(error: ErrorObject): string {
  const key = keyOf(error);
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key '${key}'`;
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

export async function loadConfig(file = 'study.config.json'): Promise<LoadedConfig> {
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
  return resolveConfig(config, path);
}

export function resolveConfig(config: StudyConfig, file: string): LoadedConfig {
  const root = dirname(file);
  return {
    file,
    root,
    config,
    resolved: {
      // Inputs may live anywhere the user keeps their data.
      manifest: resolve(root, config.dataset.manifest),
      images: resolve(root, config.dataset.images),
      content: resolve(root, config.paths.content),
      // Outputs never leave the project.
      data: resolveInside(root, config.paths.data, 'paths.data'),
      cache: resolveInside(root, config.paths.cache, 'paths.cache'),
      assets: resolveInside(root, config.paths.assets, 'paths.assets'),
      site: resolveInside(root, config.paths.site, 'paths.site'),
    },
  };
}

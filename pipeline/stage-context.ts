/**
 * What a stage receives: its context. Outputs are staged to temporary paths (renamed by the
 * runner when the stage ends), `_data` files are checked against their contract, and upstream
 * files are handed over only from stages it runs after.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { temporaryPathFor, writeFileSynced } from './core/atomic.ts';
import { FileError, StudyError } from './core/errors.ts';
import { assertContract } from './core/data-contract.ts';
import { DATA_FILES } from './contracts.ts';
import { recordingView } from './core/config-audit.ts';
import { STAGE_FILES, type StageFileName } from './stage-files.ts';
import type { Logger } from './core/effects.ts';
import type { LoadedConfig } from './core/config-types.ts';
import type { StageContext, StageDefinition } from './stage-types.ts';
import * as msg from './core/messages.ts';

/** A stage file's path, refused unless the reading stage runs after its writer (so it is fingerprinted). */
function upstreamPath(stage: StageDefinition, name: StageFileName, loaded: LoadedConfig): string {
  const writer = STAGE_FILES[name].stage;
  if (!(stage.after ?? []).includes(writer)) {
    throw new StudyError(msg.readWithoutAfter(stage.name, name, writer));
  }
  return STAGE_FILES[name].path(loaded.resolved);
}

/** The loaded configuration with its settings behind a view that records what is read. */
export function auditedConfig(loaded: LoadedConfig, reads: Set<string>): LoadedConfig {
  return { ...loaded, config: recordingView(loaded.config, reads) };
}

export function createContext(
  stage: StageDefinition,
  loaded: LoadedConfig,
  fingerprint: string,
  logger: Logger,
  staged: Map<string, string>,
): StageContext {
  const outputPath = (path: string) => {
    const target = resolve(loaded.root, path);
    const rel = relative(loaded.root, target);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new StudyError(msg.writeOutsideProject(stage.name, path));
    }
    let tmp = staged.get(target);
    if (!tmp) {
      tmp = temporaryPathFor(target);
      mkdirSync(dirname(tmp), { recursive: true });
      staged.set(target, tmp);
    }
    return tmp;
  };
  const writeFile = async (path: string, data: string | Uint8Array) => {
    await writeFileSynced(outputPath(path), data);
  };
  return {
    name: stage.name,
    loaded,
    config: loaded.config,
    logger,
    fingerprint,
    outputPath,
    writeFile,
    notes: {},
    path: (name) => upstreamPath(stage, name, loaded),
    exists: (name) => existsSync(upstreamPath(stage, name, loaded)),
    inputs: stage.inputs?.(loaded) ?? [],
    read: async (name) => {
      const path = upstreamPath(stage, name, loaded);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        throw new FileError(path, msg.stageOutputUnreadable(STAGE_FILES[name].stage, (error as Error).message, name));
      }
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new FileError(path, msg.stageOutputNotJson(STAGE_FILES[name].stage, (error as Error).message, name));
      }
    },
    writeData: (name, value) => {
      assertContract(name, value);
      // A file outside the contracts (a test's own stage) is schema 1.
      const schema = (DATA_FILES as Partial<Record<string, { schema: number }>>)[name]?.schema ?? 1;
      return writeFile(join(loaded.resolved.data, `${name}.json`), JSON.stringify({ schema, run: fingerprint, ...value }, null, 2) + '\n');
    },
  };
}

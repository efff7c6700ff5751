/**
 * What a stage is and what it is handed: the types shared by the runner (stages.ts), the
 * context it builds (stage-context.ts), its records (core/stage-records.ts) and every stage.
 */
import type { DataFileName, DataPayload, RunStage } from './contracts.ts';
import type { StageFileContents, StageFileName } from './stage-files.ts';
import type { Logger } from './core/effects.ts';
import type { LoadedConfig, StudyConfig } from './core/config-types.ts';

export interface StageDefinition {
  name: string;
  /** What it reads and writes, in words: the README's stage table is generated from it. */
  doc?: { reads: string; writes: string };
  /** Bump when the stage's code changes what it writes. */
  version: number;
  /** Upstream stages whose outputs this stage reads. */
  after?: string[];
  /** The slice of the configuration this stage reads (include the seed if it uses it). */
  config?: (config: StudyConfig) => unknown;
  /** Settings it reads that change how fast it runs, never what it writes (not fingerprinted). */
  tuning?: string[];
  /** External files or folders read (absolute paths); folders are fingerprinted by listing. */
  inputs?: (loaded: LoadedConfig) => string[];
  run: (context: StageContext) => Promise<void>;
  /** Runs once the outputs are committed: remove working files a crash would have needed. */
  afterCommit?: (loaded: LoadedConfig) => Promise<void>;
}

export interface StageContext {
  name: string;
  loaded: LoadedConfig;
  config: StudyConfig;
  logger: Logger;
  /** The stage's fingerprint: every `_data` file carries it as `run`. */
  fingerprint: string;
  /** Writes `_data/<name>.json`, checked against its contract, with `schema` and `run` added. */
  writeData<K extends DataFileName>(name: K, value: DataPayload<K>): Promise<void>;
  /** Writes any file inside the project (path relative to the project root or absolute). */
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  /** A temporary path to stream a large output into; renamed to `path` when the stage ends. */
  outputPath(path: string): string;
  /** Facts about this run for `_data/run.json` (backend, weights origin, timings...). */
  notes: Record<string, unknown>;
  /** An upstream stage's JSON file, parsed (the stage must run after its writer). */
  read<K extends keyof StageFileContents>(name: K): Promise<StageFileContents[K]>;
  /** Where an upstream stage's file is, for files read by other means (weights, raw features). */
  path(name: StageFileName): string;
  /** The external files and folders the stage declared in `inputs`, fingerprinted by the runner. */
  inputs: string[];
  /** Whether an upstream stage wrote the file (a stage with nothing to do writes none). */
  exists(name: StageFileName): boolean;
}

/** What the runner remembers of a stage's last completed run. */
export interface StageRecord {
  name: string;
  fingerprint: string;
  seconds: number;
  /** When the run that made the outputs finished (ISO 8601, UTC). */
  finished_at?: string;
  /** The package versions of that run. */
  versions?: Record<string, string>;
  notes?: Record<string, unknown>;
  outputs: Record<string, { size: number; mtimeMs: number; sha256: string }>;
}

/** What the runner reports of each stage: its line in `_data/run.json` (contracts.ts). */
export type StageReport = RunStage;

export interface RunOptions {
  force?: boolean;
  /**
   * Run only this stage, and any stage it needs whose outputs are missing; stages it does not
   * need are left as they are.
   */
  only?: string;
  logger: Logger;
  /** Package versions of this run, kept in each stage's record. */
  versions?: Record<string, string>;
  /** Fail a stage that reads a configuration key outside its declared slice (tests turn this on). */
  strictConfig?: boolean;
  /** Test hook: called after a stage's outputs are staged and before any is renamed. */
  beforeCommit?: (stage: string) => Promise<void> | void;
}

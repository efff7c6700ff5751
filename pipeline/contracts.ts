/**
 * The `_data/*.json` files the pipeline writes and the site reads: one documented type per
 * file (in contracts/), and here the map from each file to its type and the schema version its
 * writer stamps on it. A stage writes through `ctx.writeData(name, value)`, typed by this map (a
 * misspelt name or a wrong shape is a compile error); the runner adds `schema` and `run` (the
 * fingerprint of its inputs) and checks the value against the JSON Schema generated from the
 * type (contract-schemas.json, by scripts/contract-schemas.ts) before the file is written.
 */
import type { BaselinesData } from './contracts/baselines.ts';
import type { ClipData, ClusterData } from './contracts/clusters.ts';
import type { GradcamData } from './contracts/explain.ts';
import type { FindingsData, ReportData } from './contracts/report.ts';
import type { RunData } from './contracts/run.ts';
import type { DatasetData, EvaluateData, PreprocessData, TrainData } from './contracts/training.ts';

export type * from './contracts/baselines.ts';
export type * from './contracts/cache.ts';
export type * from './contracts/clusters.ts';
export type * from './contracts/explain.ts';
export type * from './contracts/report.ts';
export type * from './contracts/run.ts';
export type * from './contracts/training.ts';

/** What each `_data/<name>.json` holds. */
export interface DataFiles {
  dataset: DatasetData;
  preprocess: PreprocessData;
  train: TrainData;
  evaluate: EvaluateData;
  gradcam: GradcamData;
  clusters_resnet: ClusterData;
  clusters_clip: ClusterData;
  clip: ClipData;
  baselines: BaselinesData;
  report: ReportData;
  findings: FindingsData;
  run: RunData;
}

export type DataFileName = keyof DataFiles;

/** Each file's type name (for the schema generator) and schema version: bump it when the shape changes. */
export const DATA_FILES = {
  dataset: { type: 'DatasetData', schema: 1 },
  preprocess: { type: 'PreprocessData', schema: 1 },
  train: { type: 'TrainData', schema: 2 },
  evaluate: { type: 'EvaluateData', schema: 1 },
  gradcam: { type: 'GradcamData', schema: 4 },
  clusters_resnet: { type: 'ClusterData', schema: 3 },
  clusters_clip: { type: 'ClusterData', schema: 3 },
  clip: { type: 'ClipData', schema: 1 },
  baselines: { type: 'BaselinesData', schema: 4 },
  report: { type: 'ReportData', schema: 7 },
  findings: { type: 'FindingsData', schema: 1 },
  run: { type: 'RunData', schema: 2 },
} as const satisfies { [K in DataFileName]: { type: string; schema: number } };

/** Which type each `_data` file holds, by name (files outside the map, a test's own, have none). */
export const DATA_FILE_TYPES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(DATA_FILES).map(([name, file]) => [name, file.type]));

/** What a stage hands `writeData`: the file's type without the header the runner adds. */
export type DataPayload<K extends DataFileName> = Omit<DataFiles[K], 'schema' | 'run'>;

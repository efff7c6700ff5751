/**
 * The files stages hand each other through the cache, in one place: which stage writes each,
 * where, and what it holds (contracts.ts). A stage reads one through its context
 * (`ctx.read('split')`, `ctx.path('model')`), and the runner refuses a read from a stage it does
 * not run after, so every file a stage reads is part of its fingerprint. Only the writer asks
 * for the path to write (`stageFile`).
 */
import { join } from 'node:path';
import type { PredictionsFile, SplitFile } from './contracts.ts';

export const STAGE_FILES = {
  split: { stage: 'dataset', path: (cache: string) => join(cache, 'dataset', 'split.json') },
  predictions: { stage: 'evaluate', path: (cache: string) => join(cache, 'evaluate', 'predictions.json') },
  features: { stage: 'evaluate', path: (cache: string) => join(cache, 'evaluate', 'features.f32') },
  model: { stage: 'train', path: (cache: string) => join(cache, 'train', 'model.safetensors') },
} as const;

export type StageFileName = keyof typeof STAGE_FILES;

/** What `ctx.read` returns for the files stored as JSON. */
export interface StageFileContents {
  split: SplitFile;
  predictions: PredictionsFile;
}

/** Where a stage file lives (for its writer, and for the runner). */
export function stageFile(name: StageFileName, cache: string): string {
  return STAGE_FILES[name].path(cache);
}

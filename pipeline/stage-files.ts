/**
 * The files stages hand each other, in one place: which stage writes each, where, and what it
 * holds (contracts.ts). A stage reads one through its context (`ctx.read('split')`,
 * `ctx.path('model')`, `ctx.exists('embeddings:clip')`), and the runner refuses a read from a
 * stage it does not run after, so every file a stage reads is part of its fingerprint. Only the
 * writer asks for the path to write (`stageFile`).
 */
import { join } from 'node:path';
import type { BaselinesData, ClusterData, DatasetData, EvaluateData, GradcamData, PredictionsFile, SplitFile, TrainData } from './contracts.ts';
import { imageCachePaths, type ImageCacheIndex } from './data/image-cache.ts';
import { embeddingPaths, type EmbeddingIndex } from './embed/store.ts';

/** The folders stage files live in (the configuration's resolved cache and `_data`). */
export interface StageFolders {
  cache: string;
  data: string;
}

const data = (name: string) => (f: StageFolders) => join(f.data, `${name}.json`);

export const STAGE_FILES = {
  split: { stage: 'dataset', path: (f: StageFolders) => join(f.cache, 'dataset', 'split.json') },
  'images:train': { stage: 'preprocess', path: (f: StageFolders) => imageCachePaths(f.cache, 'train').index },
  'images:validation': { stage: 'preprocess', path: (f: StageFolders) => imageCachePaths(f.cache, 'validation').index },
  'images:test': { stage: 'preprocess', path: (f: StageFolders) => imageCachePaths(f.cache, 'test').index },
  model: { stage: 'train', path: (f: StageFolders) => join(f.cache, 'train', 'model.safetensors') },
  predictions: { stage: 'evaluate', path: (f: StageFolders) => join(f.cache, 'evaluate', 'predictions.json') },
  features: { stage: 'evaluate', path: (f: StageFolders) => join(f.cache, 'evaluate', 'features.f32') },
  'embeddings:resnet': { stage: 'embed-resnet', path: (f: StageFolders) => embeddingPaths(f.cache, 'resnet').index },
  'embeddings:clip': { stage: 'embed-clip', path: (f: StageFolders) => embeddingPaths(f.cache, 'clip').index },
  'embeddings:clip-train': { stage: 'embed-clip', path: (f: StageFolders) => embeddingPaths(f.cache, 'clip-train').index },
  'data:dataset': { stage: 'dataset', path: data('dataset') },
  'data:train': { stage: 'train', path: data('train') },
  'data:evaluate': { stage: 'evaluate', path: data('evaluate') },
  'data:clusters_resnet': { stage: 'cluster-resnet', path: data('clusters_resnet') },
  'data:clusters_clip': { stage: 'cluster-clip', path: data('clusters_clip') },
  'data:gradcam': { stage: 'gradcam', path: data('gradcam') },
  'data:baselines': { stage: 'baselines', path: data('baselines') },
} as const;

export type StageFileName = keyof typeof STAGE_FILES;

/** What `ctx.read` returns for the files stored as JSON. */
export interface StageFileContents {
  split: SplitFile;
  predictions: PredictionsFile;
  'images:train': ImageCacheIndex;
  'images:validation': ImageCacheIndex;
  'images:test': ImageCacheIndex;
  'embeddings:resnet': EmbeddingIndex;
  'embeddings:clip': EmbeddingIndex;
  'embeddings:clip-train': EmbeddingIndex;
  'data:dataset': DatasetData;
  'data:train': TrainData;
  'data:evaluate': EvaluateData;
  'data:clusters_resnet': ClusterData;
  'data:clusters_clip': ClusterData;
  'data:gradcam': GradcamData;
  'data:baselines': BaselinesData;
}

/** Where a stage file lives (for its writer, and for the runner). */
export function stageFile(name: StageFileName, folders: StageFolders): string {
  return STAGE_FILES[name].path(folders);
}

/** The data and the model: `_data/dataset.json`, `preprocess.json`, `train.json`, `evaluate.json`. */
import type { AugmentConfig, TrainConfig } from '../core/config-types.ts';
import type { ClassName } from '../data/labels.ts';
import type { Decoder } from '../data/preprocess.ts';
import type { Side } from '../data/split.ts';
import type { NearDuplicate, Problem, ProblemReason } from '../data/types.ts';
import type { Evaluation } from '../evaluate/evaluate.ts';

/** `_data/dataset.json`, written by the `dataset` stage. */
export interface DatasetData {
  simulated_labels: boolean;
  /** Manifest path relative to the project folder (or its file name when outside). */
  manifest: string;
  rows: number;
  usable: number;
  excluded: number;
  by_label: Record<ClassName, number>;
  /** Count per reason, every reason listed (0 when none). */
  problem_counts: Record<ProblemReason, number>;
  /** The first problems in manifest order (all of them are in `.cache/dataset/problems.json`). */
  problems: Problem[];
  problems_shown: number;
  near_duplicates: { pairs: number; examples: NearDuplicate[] };
  split: {
    validation_fraction: number;
    groups: Record<Side, number>;
    available: Record<Side, Record<ClassName, number>>;
    requested_per_class: Record<Side, number>;
    per_class: Record<Side, number>;
    sizes: Record<Side, number>;
    /** The manifest column sellers were grouped by, or null: no row had one, so the split is by listing. */
    grouped_by: string | null;
    leaks_removed: number;
    warnings: string[];
  };
  /** Chart rows: usable listings per label. */
  label_rows: { label: ClassName; count: number }[];
  /** Chart rows: excluded rows per reason (reasons with none left out). */
  problem_rows: { reason: ProblemReason; count: number }[];
  /** Most common categories with their sell-through, when the manifest has a category column. */
  categories: { category: string; count: number; sold: number; sold_rate: number }[];
  brands: { brand: string; count: number; sold: number; sold_rate: number }[];
  price: { median: number; p25: number; p75: number; currency: string | null; count: number } | null;
  sold_rate: number;
  /** Values of the sold column outside the vocabulary, with their row counts, most frequent first. */
  unrecognised_labels: { value: string; count: number }[];
  /** The same as sentences ("143 rows have 'AVAILABLE': map it under dataset.label_values"). */
  unrecognised_lines: string[];
}

/** `_data/preprocess.json`, written by the `preprocess` stage. */
export interface PreprocessData {
  size: number;
  fit: 'cover' | 'contain' | 'fill';
  splits: Record<Side, { images: number; bytes: number; file: string }>;
  failed: Problem[];
  mean_rgb: [number, number, number];
  /** Photos each decoder produced (libjpeg-turbo hands unusual JPEGs and other formats to sharp). */
  decoders: Record<Decoder, number>;
}

/** `_data/train.json`, written by the `train` stage. */
export interface TrainData {
  weights: {
    requested: string;
    used: 'imagenet' | 'file' | 'random';
    fallback: string | null;
    /** The file's own description (safetensors metadata), when it has one. */
    description: string | null;
    /** The Markdown card that came with the file (how it was made), shown on its own page. */
    card: string | null;
  };
  network: { blocks: number[]; widths: number[]; out_channels: number[]; parameters: number };
  image_size: number;
  train_images: number;
  validation_images: number;
  settings: TrainConfig;
  augment: AugmentConfig;
  history: { epoch: number; train_loss: number; val_loss: number; val_accuracy: number }[];
  epochs_run: number;
  best_epoch: number;
  best_val_loss: number;
  stopped_early: boolean;
}

/** `_data/evaluate.json`, written by the `evaluate` stage. */
export interface EvaluateData extends Evaluation {
  threshold: number;
  /** The photos scored: the held-out test set, or the validation photos that also chose the epoch. */
  set: 'validation' | 'test';
  images: number;
  /** Mean binary cross-entropy on the validation images. */
  loss: number;
  by_category: { category: string; images: number; accuracy: number; sold_rate: number; mean_score: number }[];
  score_histogram: { bin_start: number; bin_end: number; label: 'sold' | 'not_sold'; count: number }[];
}

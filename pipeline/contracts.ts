/**
 * The shapes of the `_data/*.json` files the pipeline writes and the site reads: one
 * documented type per file. Each also carries `schema` (its version) and `run` (the
 * fingerprint of its inputs), added by the stage runner.
 */
import type { ClassName } from './data/labels.ts';
import type { NearDuplicate, Problem, ProblemReason } from './data/types.ts';
import type { Side } from './data/split.ts';
import type { Evaluation } from './evaluate/evaluate.ts';

export interface DataFileHeader {
  schema: number;
  run: string;
}

/** `_data/dataset.json`, written by the `dataset` stage (schema 1). */
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
}

/** `_data/preprocess.json`, written by the `preprocess` stage (schema 1). */
export interface PreprocessData {
  size: number;
  fit: 'cover' | 'contain' | 'fill';
  splits: Record<Side, { images: number; bytes: number; file: string }>;
  failed: Problem[];
  mean_rgb: [number, number, number];
  /** Photos each decoder produced (libjpeg-turbo hands unusual JPEGs and other formats to sharp). */
  decoders: Record<import('./data/preprocess.ts').Decoder, number>;
}

/** `_data/train.json`, written by the `train` stage (schema 1). */
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
  settings: import('./core/config-types.ts').TrainConfig;
  augment: import('./core/config-types.ts').AugmentConfig;
  history: { epoch: number; train_loss: number; val_loss: number; val_accuracy: number }[];
  epochs_run: number;
  best_epoch: number;
  best_val_loss: number;
  stopped_early: boolean;
}

/** `_data/evaluate.json`, written by the `evaluate` stage (schema 1). */
export interface EvaluateData extends Evaluation {
  threshold: number;
  images: number;
  /** Mean binary cross-entropy on the validation images. */
  loss: number;
  by_category: { category: string; images: number; accuracy: number; sold_rate: number; mean_score: number }[];
  score_histogram: { bin_start: number; bin_end: number; label: 'sold' | 'not_sold'; count: number }[];
}

/** `_data/gradcam.json`, written by the `gradcam` stage (schema 1). */
export interface GradcamData {
  layer: string;
  target: 'predicted' | 'sold' | 'not_sold';
  /** The map's resolution at that layer (h, w). */
  resolution: [number, number];
  thumbnails: 'full' | 'blurred' | 'none';
  threshold: number;
  items: {
    group: 'correct' | 'wrong';
    truth: 'sold' | 'not_sold';
    predicted: 'sold' | 'not_sold';
    target: 'sold' | 'not_sold';
    score: number;
    category: string | null;
    /** Site path of the overlay (named by a hash of the listing id). */
    picture: string;
    /** Where the map peaks, in words, for the alt text. */
    strongest: string;
  }[];
}

/** `_data/clusters_resnet.json` / `clusters_clip.json`, written by the cluster stages (schema 1). */
export interface ClusterData {
  source: 'resnet' | 'clip';
  /** What KMeans clustered: the embeddings, or their t-SNE map. */
  space: 'embeddings' | 'tsne';
  images: number;
  dimensions: number;
  /** CLIP embeddings are L2-normalised before clustering. */
  normalised: boolean;
  perplexity: number;
  theta: number;
  elbow: { k: number; inertia: number }[];
  /** The knee Kneedle found; null when the elbow curve has none (flat, straight, < 3 points). */
  knee_k: number | null;
  k: number;
  /**
   * How K was decided: at the knee; `no_knee_fallback`, the smallest K tried because the curve
   * has no knee; or `configured` (`cluster.resnet_k` / `clip.k`).
   */
  k_method: 'knee' | 'no_knee_fallback' | 'configured';
  inertia: number;
  overall_rate: number;
  clusters: (import('./cluster/sales.ts').ClusterSales & {
    sheet: string;
    sheet_images: number;
    top_categories: { category: string; count: number }[];
  })[];
  /** The t-SNE map: one point per validation image, with what its tooltip shows. */
  points: { x: number; y: number; cluster: number; label: 'sold' | 'not_sold'; category: string | null; image: string | null }[];
}

/** `_data/clip.json`, written by the `embed-clip` stage (schema 1). */
export interface ClipData {
  status: 'ran' | 'not_run';
  model: string;
  /** Why it did not run. */
  reason: string | null;
  /** How to make it run. */
  enable: string | null;
  images: number;
  dimensions: number;
}

interface ModelSummary {
  name: string;
  accuracy: number;
  f1_macro: number;
  roc_auc: number | null;
  ci95: Evaluation['ci95'];
  report: Evaluation['report'];
}

/** `_data/baselines.json`, written by the `baselines` stage (schema 1). */
export interface BaselinesData {
  resnet: ModelSummary;
  /** Logistic regression on the manifest's metadata; null when the manifest has none. */
  metadata: (ModelSummary & {
    /** Every feature, as `column=value` for one-hot ones. */
    features: string[];
    /** The manifest columns the features came from. */
    columns: string[];
    /** Columns left out by `baselines.exclude`. */
    excluded: string[];
  }) | null;
  /** Logistic regression on CLIP embeddings; null when CLIP did not run. */
  clip_probe: ModelSummary | null;
  /** The models that ran, in table order. */
  models: ModelSummary[];
  /** Chart rows: model x metric with 95% bootstrap intervals. */
  rows: { model: string; metric: string; value: number; lo: number; hi: number }[];
  /** The model that scores highest on `best_by`. */
  best: string;
  /** ROC AUC when every model has one; otherwise accuracy, which all have. */
  best_by: 'roc_auc' | 'accuracy';
}

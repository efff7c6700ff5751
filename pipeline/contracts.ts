/**
 * The shapes of the `_data/*.json` files the pipeline writes and the site reads: one
 * documented type per file. Each also carries `schema` (its version) and `run` (the
 * fingerprint of its inputs), added by the stage runner.
 */
import type { ClassName } from './data/labels.ts';
import type { NearDuplicate, Problem, ProblemReason } from './data/types.ts';
import type { Side } from './data/split.ts';
import type { Evaluation } from './evaluate/evaluate.ts';
import type { Decoder } from './data/preprocess.ts';
import type { AugmentConfig, TrainConfig } from './core/config-types.ts';
import type { ClusterSales } from './cluster/sales.ts';
import type { Listing } from './data/types.ts';

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

/** `_data/preprocess.json`, written by the `preprocess` stage (schema 1). */
export interface PreprocessData {
  size: number;
  fit: 'cover' | 'contain' | 'fill';
  splits: Record<Side, { images: number; bytes: number; file: string }>;
  failed: Problem[];
  mean_rgb: [number, number, number];
  /** Photos each decoder produced (libjpeg-turbo hands unusual JPEGs and other formats to sharp). */
  decoders: Record<Decoder, number>;
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
  settings: TrainConfig;
  augment: AugmentConfig;
  history: { epoch: number; train_loss: number; val_loss: number; val_accuracy: number }[];
  epochs_run: number;
  best_epoch: number;
  best_val_loss: number;
  stopped_early: boolean;
}

/** `_data/evaluate.json`, written by the `evaluate` stage (schema 1). */
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

/** `_data/gradcam.json`, written by the `gradcam` stage (schema 2). */
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
  /** Does the network look where Grad-CAM says? The deletion check; null when it did not run. */
  deletion: DeletionCheck | null;
}

/** One group of the deletion check: mean drops in the predicted class's probability. */
export interface DeletionGroup {
  group: 'all' | 'correct' | 'wrong';
  photos: number;
  /** Mean drop when the highest-CAM pixels are replaced by the blurred photo. */
  cam_drop: number;
  /** Mean drop when as many random pixels are replaced the same way. */
  random_drop: number;
  /** cam_drop - random_drop (paired per photo). */
  difference: number;
  /** Percentile bootstrap interval (95%) of the mean paired difference; null under 2 photos. */
  ci95: [number, number] | null;
}

/**
 * The deletion check over a seeded sample of validation photos: replace a fraction of the
 * pixels (those with the highest CAM, or random ones) by a blurred copy and measure how much
 * the predicted class's probability drops (pytorch-grad-cam's ROAD / confidence-change idea).
 */
export interface DeletionCheck {
  photos: number;
  /** Share of pixels replaced (0.2). */
  fraction: number;
  /** Gaussian blur sigma of the replacement, in pixels of the network's input. */
  blur_sigma: number;
  /** Bootstrap resamples behind each interval. */
  resamples: number;
  groups: DeletionGroup[];
  /** Chart rows: group x kind (highlighted / random) mean drop. */
  rows: { group: 'correct' | 'wrong' | 'all'; kind: 'highlighted' | 'random'; drop: number; photos: number }[];
}

/** `_data/clusters_resnet.json` / `clusters_clip.json`, written by the cluster stages (schema 3). */
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
  clusters: (ClusterSales & {
    /** A reader's name from its members' categories ("Shorts & Skirt", "Mixed"), or "Cluster N". */
    name: string;
    /** The sample sheet, tiles of 96 px (what a page shows at its 1x size). */
    sheet: string;
    /** The same sheet drawn from the photos at twice the pixels, for high-density screens. */
    sheet_2x: string;
    /** The 1x sheet's size in pixels. */
    sheet_width: number;
    sheet_height: number;
    sheet_images: number;
    /** Photos on the sheet that sold: each carries a corner badge with a triangle (the map's mark for sold). */
    sheet_sold: number;
    top_categories: { category: string; count: number }[];
  })[];
  /** How far the clusters follow the garment category; null when the manifest has no category. */
  semantics: ClusterSemantics | null;
  /** The t-SNE map: one point per validation image, with what its tooltip shows. */
  points: { x: number; y: number; cluster: number; /** The cluster's name, for the map's legend. */ name: string; label: 'sold' | 'not_sold'; category: string | null; image: string | null }[];
}

/**
 * Purity: the mean, over clusters, of the share of each cluster's most common category (photos
 * with a category only), set against the same figure when cluster labels are permuted (seeded).
 */
export interface ClusterSemantics {
  purity: number;
  photos: number;
  draws: number;
  null_mean: number;
  null_p95: number;
  /** (1 + draws at or above purity) / (1 + draws). */
  p: number;
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

/** The metadata-only model: a summary plus what it was fed. */
export interface MetadataModel extends ModelSummary {
  /** Every feature, as `column=value` for one-hot ones. */
  features: string[];
  /** The manifest columns the features came from. */
  columns: string[];
  /** Columns left out by `baselines.exclude`. */
  excluded: string[];
}

/** `_data/baselines.json`, written by the `baselines` stage (schema 4). */
export interface BaselinesData {
  resnet: ModelSummary;
  /** Logistic regression on the manifest's metadata; null when the manifest has none. */
  metadata: MetadataModel | null;
  /** Logistic regression on CLIP embeddings; null when CLIP did not run. */
  clip_probe: ModelSummary | null;
  /** The models that ran, in table order. */
  models: (ModelSummary | MetadataModel)[];
  /** Chart rows: model x metric with 95% bootstrap intervals. */
  rows: { model: string; metric: string; value: number; lo: number; hi: number }[];
  /**
   * The network's ROC AUC minus the metadata model's on the same validation photos, with a
   * paired bootstrap interval; null without a metadata model.
   */
  image_vs_metadata: { method: 'paired bootstrap'; network_auc: number; metadata_auc: number; difference: number; ci95: [number, number]; resamples: number; photos: number } | null;
  /**
   * Simulated labels only: the ROC AUC that the simulation's own probability of selling reaches
   * on the same photos, the most any model could; null when no such column is configured.
   */
  ceiling: { column: string; roc_auc: number; ci95: [number, number]; photos: number } | null;
  /** The model that scores highest on `best_by`. */
  best: string;
  /** ROC AUC when every model has one; otherwise accuracy, which all have. */
  best_by: 'roc_auc' | 'accuracy';
}

/** A chart row of precision, recall or F1 for one class and one source (this build, the study). */
export interface MetricRow {
  source: string;
  class: string;
  metric: string;
  value: number;
}

export interface Verdict {
  /** better | worse | indistinguishable: where the 95% interval of accuracy lies against chance. */
  against_chance: 'better' | 'worse' | 'indistinguishable';
  /** barely | modestly | clearly (how far the point estimate is from chance), or null. */
  strength: 'barely' | 'modestly' | 'clearly' | null;
  chance: number;
  /** One sentence, for the prose. */
  sentence: string;
}

/** A link to another cluster's page. */
export interface ClusterLink {
  slug: string;
  name: string;
  cluster: number;
}

/**
 * A cluster page's small map, drawn as inline SVG by the page: the t-SNE points scaled into a
 * width x height box, each set as SVG path data of zero-length segments ("M12 30h0..."), drawn
 * as dots by a round line cap. Points that fall on the same pixel are drawn once.
 */
export interface ClusterMap {
  width: number;
  height: number;
  /** The other clusters' points. */
  others: string;
  /** This cluster's points. */
  members: string;
  /** This cluster's colour on the report's t-SNE map (the chart theme's category range over the sorted cluster names). */
  colour: string;
  /** Points in this cluster and in the whole map. */
  member_points: number;
  all_points: number;
}

/** `_data/report.json`, written by the `report` stage: what the narrative needs, chart-ready. */
export interface ReportData {
  study_metrics: MetricRow[];
  /** What always guessing the larger class scores on the study's validation set. */
  study_chance: number;
  /** This build's and the study's metrics side by side. */
  comparison: MetricRow[];
  verdict: Verdict | null;
  loss_rows: { epoch: number; split: 'train' | 'validation'; loss: number }[];
  confusion_rows: { actual: string; predicted: string; count: number; share: number }[];
  roc_rows: { fpr: number; tpr: number }[];
  /** Per embedding source: chart rows for the elbow and the sell-through bars. */
  clusters: Record<string, {
    elbow: { k: number; inertia: number; chosen: boolean }[];
    sales: { cluster: number; name: string; size: number; sold_rate: number; lo: number; hi: number; p_holm: number | null; overall: number }[];
    /** Clusters whose sell-through differs from the rest after Holm's correction. */
    significant: number;
    /** Clusters with no test (an empty side, or all or none sold). */
    untestable: number;
    lowest_rate: number;
    highest_rate: number;
  }>;
  /** One entry per cluster of every source: what its generated page shows. */
  cluster_pages: (ClusterData['clusters'][number] & {
    source: string;
    label: string;
    k: number;
    overall_rate: number;
    slug: string;
    /** 1-based place among its clustering's clusters (in cluster order). */
    position: number;
    /** The neighbouring clusters of the same clustering; null at either end. */
    previous: ClusterLink | null;
    next: ClusterLink | null;
    /** The small t-SNE map of the page, this cluster highlighted. */
    map: ClusterMap;
  })[];
  /** The starting weights' card (one page), or none. */
  weights_card: { markdown: string }[];
  /** How the cluster pages' difference intervals are computed, in words. */
  difference_interval: string;
  /** Each class's metrics as table rows: class, precision, recall, f1, support. */
  table: { class: string; precision: number; recall: number; f1: number; support: number }[];
}

/** A row inside a finding's numbers (one cluster, one category...). */
export interface FindingRow {
  [key: string]: number | string | boolean | null;
}

export type FindingId = 'image_signal' | 'image_vs_metadata' | 'cluster_sales' | 'cluster_semantics' | 'category_ranking' | 'gradcam_reliance';

/** One claim of the report: a verdict decided by a named rule from `numbers`, worded in `sentence`. */
export interface Finding {
  id: FindingId;
  /** The clustering a per-clustering finding is about; null for the others. */
  source: 'resnet' | 'clip' | null;
  verdict: string;
  /** A few words for the opening list, from the verdict. */
  headline: string;
  /** The rule that decided the verdict, in words (findings/rules.ts). */
  rule: string;
  sentence: string;
  /** The id of the report section that shows the evidence. */
  section: string;
  numbers: Record<string, number | string | boolean | null | number[] | string[] | FindingRow[]>;
}

/** `_data/findings.json`, written by the `findings` stage: the report's claims and its interpretation. */
export interface FindingsData {
  findings: Finding[];
  /** 3 to 6 short paragraphs assembled from the verdicts. */
  interpretation: string[];
}

/** One stage's line in `_data/run.json` (for a cached stage: the run that made its outputs). */
export interface RunStage {
  name: string;
  /** The stages whose outputs it reads (pipeline/graph.ts). */
  after: string[];
  fingerprint: string;
  status: 'ran' | 'cached' | 'skipped';
  /** For a cached stage, the seconds, date and versions of the run that made its outputs. */
  seconds: number;
  finished_at: string | null;
  versions?: Record<string, string>;
  notes?: Record<string, unknown>;
}

/** `_data/run.json`, written after the stages by the runner: the one `_data` file that records times. */
export interface RunData {
  schema: number;
  /** The TensorFlow.js backend a stage used, or null. */
  backend: string | null;
  config_hash: string;
  seed: number;
  /** Every setting the pipeline ran with, defaults included. */
  config: Record<string, unknown>;
  stages: RunStage[];
  versions: Record<string, string>;
  version_changes: { stage: string; package: string; made_with: string | null; now: string | null }[];
}

/**
 * Which type each `_data/<name>.json` file holds: its JSON Schema (generated from these types
 * into contract-schemas.json by scripts/contract-schemas.ts) is checked before the file is written.
 */
export const DATA_FILE_TYPES: Record<string, string> = {
  dataset: 'DatasetData',
  preprocess: 'PreprocessData',
  train: 'TrainData',
  evaluate: 'EvaluateData',
  gradcam: 'GradcamData',
  clusters_resnet: 'ClusterData',
  clusters_clip: 'ClusterData',
  clip: 'ClipData',
  baselines: 'BaselinesData',
  report: 'ReportData',
  findings: 'FindingsData',
  run: 'RunData',
};

// ---- files the stages hand each other in the cache (not published) ----

/** `<cache>/dataset/split.json`, written by `dataset`: the chosen listings of each side. */
export interface SplitFile {
  schema: number;
  run: string;
  train: Listing[];
  validation: Listing[];
  /** Held out from training and early stopping; empty unless `dataset.test_per_class` > 0 (older files lack it). */
  test?: Listing[];
}

/** One validation photo's prediction. */
export interface Prediction {
  id: string;
  image: string;
  /** 1 = sold. */
  label: number;
  /** Probability of sold. */
  score: number;
  category: string | null;
}

/** `<cache>/evaluate/predictions.json`, written by `evaluate`. */
export interface PredictionsFile {
  schema: number;
  run: string;
  threshold: number;
  predictions: Prediction[];
}

/** The validated study configuration, every default filled in (study.schema.json). */
export interface StudyConfig {
  title: string;
  seed: number;
  paths: { project: string | null; content: string; data: string; cache: string; assets: string; site: string };
  dataset: DatasetConfig;
  preprocess: PreprocessConfig;
  augment: AugmentConfig;
  model: ModelConfig;
  train: TrainConfig;
  gradcam: GradcamConfig;
  clip: ClipConfig;
  baselines: BaselinesConfig;
  cluster: ClusterConfig;
  site: SiteConfig;
}

export interface DatasetConfig {
  manifest: string;
  images: string;
  format: 'auto' | 'csv' | 'jsonl' | 'json';
  /** CSV field separator; `auto` detects it from the header line. */
  delimiter: DelimiterSetting;
  /** Decimal mark of the price column; `auto` decides over the column. */
  decimal: 'auto' | '.' | ',';
  simulated_labels: boolean;
  simulation: SimulationConfig;
  columns: ColumnMap;
  /** The sold column's values per class (trimmed, any case); null: the default vocabulary. */
  label_values: LabelValues | null;
  validation_fraction: number;
  train_per_class: number;
  validation_per_class: number;
  test_per_class: number;
  test_fraction: number;
  near_duplicate_distance: number;
  max_pixels: number;
}

/** How simulated labels were made: which columns they came from, where their probability is. */
export interface SimulationConfig {
  drawn_from: string[];
  probability: string | null;
}

export type DelimiterSetting = 'auto' | ',' | ';' | 'tab' | 'pipe';
export interface LabelValues {
  sold: string[];
  not_sold: string[];
}

export type ColumnName =
  | 'id' | 'image' | 'sold' | 'title' | 'brand' | 'category' | 'price' | 'currency'
  | 'created_at' | 'sold_at' | 'group';
export type ColumnMap = Record<ColumnName, string>;

export interface PreprocessConfig {
  size: number;
  fit: 'cover' | 'contain' | 'fill';
  concurrency: number;
  decoder: 'auto' | 'libjpeg-turbo' | 'sharp';
}

export interface AugmentConfig {
  flip: boolean;
  rotation: number;
  brightness: number;
  contrast: number;
  saturation: number;
}

export interface ModelConfig {
  weights: string;
  blocks: number[];
  width_per_group: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'webgpu' | 'cpu';
  inference: 'auto' | 'onnxruntime' | 'tfjs';
  /** What trains: the onnxruntime training graph or TensorFlow.js (auto: onnxruntime when it loads). */
  engine: 'auto' | 'onnxruntime' | 'tfjs';
  /** The onnxruntime execution provider for training. */
  device: 'cpu' | 'webgpu' | 'cuda';
}

export interface TrainConfig {
  epochs: number;
  patience: number;
  batch_size: number;
  micro_batch: number;
  learning_rate: number;
  weight_decay: number;
  decoupled_weight_decay: boolean;
  max_train_images: number;
}

export interface GradcamConfig {
  /** The explanation methods, in the page's order; the first is the one the deletion check tests. */
  methods: ('gradcam' | 'gradcam++')[];
  layer: string;
  target: 'predicted' | 'sold' | 'not_sold';
  per_group: number;
  image_size: number;
}

export interface BaselinesConfig {
  /** Manifest columns kept out of the metadata-only model. */
  exclude: string[];
}

export interface ClipConfig {
  model: string;
  dtype: 'fp32' | 'q8';
  batch_size: number;
}

export interface ClusterConfig {
  k_range: [number, number];
  /** K per embedder (embed/embedders.ts); null: the elbow's knee. */
  k: Record<'resnet' | 'clip', number | null>;
  restarts: number;
  space: 'embeddings' | 'tsne';
  perplexity: number;
  theta: number;
  sheet_size: number;
}

export interface SiteConfig {
  thumbnails: 'full' | 'blurred' | 'none';
  noindex: boolean;
  path_prefix: string;
  /** Publish a site whose links or images are broken (each warned) instead of failing the build. */
  allow_broken_links: boolean;
}

/** A loaded config with the absolute locations it resolved to. */
export interface LoadedConfig {
  file: string;
  /**
   * The project folder: paths.project when set; else the config file's folder when it holds
   * paths.content; else the current folder when it holds paths.content; else the config file's
   * folder. The content is read from it and nothing is written outside it.
   */
  root: string;
  /** The config file's folder: relative input paths (manifest, images, weights, a local CLIP model) resolve against it. */
  base: string;
  config: StudyConfig;
  resolved: {
    manifest: string;
    images: string;
    content: string;
    data: string;
    cache: string;
    assets: string;
    site: string;
  };
}

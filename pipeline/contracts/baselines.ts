/** The comparison models: `_data/baselines.json`. */
import type { Evaluation } from '../evaluate/evaluate.ts';

export interface ModelSummary {
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

/** `_data/baselines.json`, written by the `baselines` stage. */
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

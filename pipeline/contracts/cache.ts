/** Files the stages hand each other in the cache (not published). */
import type { Listing } from '../data/types.ts';

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

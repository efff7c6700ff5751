/**
 * Percentile bootstrap intervals (95%) for accuracy, macro F1 and ROC AUC: 1,000 resamples of
 * the validation set with replacement, indices from NumPy's RandomState(0) (mt19937.ts), and
 * the 2.5th and 97.5th percentiles with NumPy's default (linear) interpolation. A resample
 * with a single class has no AUC and is skipped for that metric, as is usual.
 */
import { MT19937 } from './mt19937.ts';
import { classificationReport, rocAuc } from './metrics.ts';

export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}

/**
 * Calls `visit` once per resample with the `n` indices drawn with replacement, in NumPy's
 * RandomState(seed).randint(0, n, n) order, so every bootstrap here can be checked in Python.
 * The array is reused between calls.
 */
export function forEachResample(n: number, resamples: number, seed: number, visit: (indices: Int32Array) => void): void {
  const rng = new MT19937(seed);
  const indices = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) indices[i] = rng.randint(0, n);
    visit(indices);
  }
}

export interface BootstrapIntervals {
  accuracy: [number, number];
  f1_macro: [number, number];
  roc_auc: [number, number];
}

export function bootstrapIntervals(yTrue: number[], yPred: number[], yScore: number[] | undefined, resamples = 1000, seed = 0): BootstrapIntervals {
  const n = yTrue.length;
  const accuracy: number[] = [];
  const f1: number[] = [];
  const auc: number[] = [];
  const t = new Array<number>(n);
  const p = new Array<number>(n);
  const s = new Array<number>(n);
  forEachResample(n, resamples, seed, (indices) => {
    let positives = 0;
    indices.forEach((k, i) => {
      t[i] = yTrue[k]!;
      p[i] = yPred[k]!;
      if (yScore) s[i] = yScore[k]!;
      positives += t[i]!;
    });
    const { report } = classificationReport(t, p);
    accuracy.push(report.accuracy);
    f1.push(report['macro avg']['f1-score']);
    if (yScore && positives > 0 && positives < n) auc.push(rocAuc(t, s));
  });
  const interval = (values: number[]): [number, number] => [percentile(values, 2.5), percentile(values, 97.5)];
  return { accuracy: interval(accuracy), f1_macro: interval(f1), roc_auc: yScore ? interval(auc) : [Number.NaN, Number.NaN] };
}

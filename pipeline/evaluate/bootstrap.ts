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

export interface BootstrapIntervals {
  accuracy: [number, number];
  f1_macro: [number, number];
  roc_auc: [number, number];
}

export function bootstrapIntervals(yTrue: number[], yPred: number[], yScore: number[] | undefined, resamples = 1000, seed = 0): BootstrapIntervals {
  const rng = new MT19937(seed);
  const n = yTrue.length;
  const accuracy: number[] = [];
  const f1: number[] = [];
  const auc: number[] = [];
  const t = new Array<number>(n);
  const p = new Array<number>(n);
  const s = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    let positives = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.randint(0, n);
      t[i] = yTrue[k]!;
      p[i] = yPred[k]!;
      if (yScore) s[i] = yScore[k]!;
      positives += t[i]!;
    }
    const { report } = classificationReport(t, p);
    accuracy.push(report.accuracy);
    f1.push(report['macro avg']['f1-score']);
    if (yScore && positives > 0 && positives < n) auc.push(rocAuc(t, s));
  }
  const interval = (values: number[]): [number, number] => [percentile(values, 2.5), percentile(values, 97.5)];
  return { accuracy: interval(accuracy), f1_macro: interval(f1), roc_auc: yScore ? interval(auc) : [Number.NaN, Number.NaN] };
}

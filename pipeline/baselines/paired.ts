/**
 * Two sets of scores for the same photos, compared pairwise: the difference of their ROC AUCs
 * with a 95% percentile bootstrap interval from resampling photos, each resample scoring both
 * (1,000 resamples, NumPy RandomState(0) indices, as the other intervals). Pairing keeps what
 * the photos share (some are easy for every model), so the interval is the one for the
 * difference, not two separate intervals set side by side.
 */
import { forEachResample, percentile } from '../evaluate/bootstrap.ts';
import { rocAuc } from '../evaluate/metrics.ts';

export interface PairedAuc {
  a: number;
  b: number;
  /** a - b. */
  difference: number;
  ci95: [number, number];
  resamples: number;
  photos: number;
}

export function pairedAucDifference(yTrue: number[], a: number[], b: number[], resamples = 1000, seed = 0): PairedAuc {
  const n = yTrue.length;
  const differences: number[] = [];
  const t = new Array<number>(n);
  const sa = new Array<number>(n);
  const sb = new Array<number>(n);
  forEachResample(n, resamples, seed, (indices) => {
    let positives = 0;
    indices.forEach((k, i) => {
      t[i] = yTrue[k]!;
      sa[i] = a[k]!;
      sb[i] = b[k]!;
      positives += t[i]!;
    });
    // A resample holding one class has no AUC (as in bootstrapIntervals).
    if (positives > 0 && positives < n) differences.push(rocAuc(t, sa) - rocAuc(t, sb));
  });
  const aucA = rocAuc(yTrue, a);
  const aucB = rocAuc(yTrue, b);
  return { a: aucA, b: aucB, difference: aucA - aucB, ci95: [percentile(differences, 2.5), percentile(differences, 97.5)], resamples, photos: n };
}

/**
 * Binary classification metrics computed as scikit-learn computes them:
 * classification_report(output_dict=True, zero_division=0), confusion_matrix, roc_curve
 * (drop_intermediate=True) and roc_auc_score. Class 0 is not_sold, class 1 is sold.
 */
import { CLASSES } from '../data/labels.ts';

export interface ClassReport {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

export interface ClassificationReport {
  not_sold: ClassReport;
  sold: ClassReport;
  accuracy: number;
  'macro avg': ClassReport;
  'weighted avg': ClassReport;
}

const divide = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): [[number, number], [number, number]] {
  const m: [[number, number], [number, number]] = [[0, 0], [0, 0]];
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]! ? 1 : 0][yPred[i]! ? 1 : 0]++;
  return m;
}

/** Also reports which precision/recall divisions were by zero (scikit-learn warns). */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): { report: ClassificationReport; zeroDivision: string[] } {
  const [[tn, fp], [fn, tp]] = confusionMatrix(yTrue, yPred);
  const zeroDivision: string[] = [];
  const perClass = (truePositive: number, falsePositive: number, falseNegative: number, name: string): ClassReport => {
    if (truePositive + falsePositive === 0) zeroDivision.push(`precision of ${name} (no ${name} prediction)`);
    if (truePositive + falseNegative === 0) zeroDivision.push(`recall of ${name} (no ${name} sample)`);
    const precision = divide(truePositive, truePositive + falsePositive);
    const recall = divide(truePositive, truePositive + falseNegative);
    // scikit-learn >= 1.3 computes F1 as 2tp / (2tp + fp + fn), 0 when that is 0/0.
    const f1 = divide(2 * truePositive, 2 * truePositive + falsePositive + falseNegative);
    return { precision, recall, 'f1-score': f1, support: truePositive + falseNegative };
  };
  const notSold = perClass(tn, fn, fp, CLASSES[0]);
  const sold = perClass(tp, fp, fn, CLASSES[1]);
  const total = notSold.support + sold.support;
  const average = (weights: [number, number]): ClassReport => {
    const sum = weights[0] + weights[1];
    const mean = (key: 'precision' | 'recall' | 'f1-score') => divide(notSold[key] * weights[0] + sold[key] * weights[1], sum);
    return { precision: mean('precision'), recall: mean('recall'), 'f1-score': mean('f1-score'), support: total };
  };
  return {
    report: {
      not_sold: notSold,
      sold,
      accuracy: divide(tn + tp, total),
      'macro avg': average([1, 1]),
      'weighted avg': average([notSold.support, sold.support]),
    },
    zeroDivision,
  };
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

/**
 * scikit-learn's roc_curve with drop_intermediate=True. The first threshold, which
 * scikit-learn >= 1.3 sets to +inf (not valid JSON), is max(score) + 1 as in scikit-learn 1.2.
 */
export function rocCurve(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): RocCurve {
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => yScore[b]! - yScore[a]!);
  let tpsAll: number[] = [];
  let fpsAll: number[] = [];
  let thresholdsAll: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (yTrue[i]) tp++;
    const last = k === n - 1 || yScore[order[k + 1]!] !== yScore[i];
    if (last) {
      tpsAll.push(tp);
      fpsAll.push(k + 1 - tp);
      thresholdsAll.push(yScore[i]!);
    }
  }
  if (tpsAll.length > 2) {
    const keep: number[] = [0];
    for (let j = 1; j < tpsAll.length - 1; j++) {
      const secondFps = fpsAll[j + 1]! - 2 * fpsAll[j]! + fpsAll[j - 1]!;
      const secondTps = tpsAll[j + 1]! - 2 * tpsAll[j]! + tpsAll[j - 1]!;
      if (secondFps !== 0 || secondTps !== 0) keep.push(j);
    }
    keep.push(tpsAll.length - 1);
    tpsAll = keep.map((j) => tpsAll[j]!);
    fpsAll = keep.map((j) => fpsAll[j]!);
    thresholdsAll = keep.map((j) => thresholdsAll[j]!);
  }
  const tps = [0, ...tpsAll];
  const fps = [0, ...fpsAll];
  const thresholds = [(thresholdsAll[0] ?? 0) + 1, ...thresholdsAll];
  const P = tps[tps.length - 1]!;
  const N = fps[fps.length - 1]!;
  return { fpr: fps.map((f) => (N ? f / N : Number.NaN)), tpr: tps.map((t) => (P ? t / P : Number.NaN)), thresholds };
}

/** Trapezoidal area under the ROC curve (roc_auc_score); NaN with a single class. */
export function rocAuc(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  const { fpr, tpr } = rocCurve(yTrue, yScore);
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return area;
}

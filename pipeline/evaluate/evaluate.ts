/**
 * The evaluation contract shared by the `evaluate` stage and `study evaluate`: from labels and
 * scores (probability of sold) or predictions, the classification report, confusion matrix,
 * ROC curve and AUC, and bootstrap intervals.
 */
import { bootstrapIntervals, type BootstrapIntervals } from './bootstrap.ts';
import { classificationReport, confusionMatrix, rocAuc, rocCurve, type ClassificationReport, type RocCurve } from './metrics.ts';
import * as msg from '../core/messages.ts';

export interface Evaluation {
  report: ClassificationReport;
  confusion_matrix: [[number, number], [number, number]];
  roc_auc: number | null;
  roc: RocCurve | null;
  ci95: BootstrapIntervals | { accuracy: [number, number]; f1_macro: [number, number]; roc_auc: null };
  warnings: string[];
}

export function evaluatePredictions(yTrue: number[], options: { scores?: number[]; predictions?: number[]; threshold?: number }): Evaluation {
  const threshold = options.threshold ?? 0.5;
  const yPred = options.predictions ?? options.scores!.map((s) => (s >= threshold ? 1 : 0));
  const { report, zeroDivision } = classificationReport(yTrue, yPred);
  const warnings = zeroDivision.map(msg.zeroDivision);
  const positives = yTrue.reduce((a, b) => a + b, 0);
  const bothClasses = positives > 0 && positives < yTrue.length;
  if (options.scores && !bothClasses) warnings.push(msg.oneClassAuc());
  const ci = bootstrapIntervals(yTrue, yPred, options.scores && bothClasses ? options.scores : undefined);
  return {
    report,
    confusion_matrix: confusionMatrix(yTrue, yPred),
    roc_auc: options.scores && bothClasses ? rocAuc(yTrue, options.scores) : null,
    roc: options.scores && bothClasses ? rocCurve(yTrue, options.scores) : null,
    ci95: options.scores && bothClasses ? ci : { accuracy: ci.accuracy, f1_macro: ci.f1_macro, roc_auc: null },
    warnings,
  };
}

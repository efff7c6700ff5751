/** Metrics against scikit-learn 1.2 / NumPy on four cases (fixture made by scripts/reference). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { classificationReport, confusionMatrix, rocAuc, rocCurve } from '../pipeline/evaluate/metrics.ts';
import { bootstrapIntervals } from '../pipeline/evaluate/bootstrap.ts';
import { MT19937 } from '../pipeline/evaluate/mt19937.ts';

interface Case {
  name: string;
  y_true: number[];
  y_score: number[];
  y_pred: number[];
  report: Record<string, unknown>;
  confusion_matrix: number[][];
  roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
  roc_auc: number;
  ci95: Record<string, [number, number]>;
  first_randint: number[];
}

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/evaluate-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

function assertDeepClose(got: unknown, want: unknown, path: string): void {
  if (typeof want === 'number') {
    assert.ok(Math.abs((got as number) - want) <= 1e-12, `${path}: ${got} != ${want}`);
  } else if (Array.isArray(want)) {
    assert.equal((got as unknown[]).length, want.length, `${path}: length`);
    want.forEach((w, i) => assertDeepClose((got as unknown[])[i], w, `${path}[${i}]`));
  } else if (want && typeof want === 'object') {
    assert.deepEqual(Object.keys(got as object).sort(), Object.keys(want).sort(), `${path}: keys`);
    for (const [k, w] of Object.entries(want)) assertDeepClose((got as Record<string, unknown>)[k], w, `${path}.${k}`);
  } else {
    assert.equal(got, want, path);
  }
}

for (const c of reference.cases) {
  test(`${c.name}: classification report, confusion matrix, ROC and AUC equal scikit-learn's`, () => {
    assertDeepClose(classificationReport(c.y_true, c.y_pred).report, c.report, 'report');
    assert.deepEqual(confusionMatrix(c.y_true, c.y_pred), c.confusion_matrix);
    const roc = rocCurve(c.y_true, c.y_score);
    assertDeepClose(roc.fpr, c.roc.fpr, 'fpr');
    assertDeepClose(roc.tpr, c.roc.tpr, 'tpr');
    assertDeepClose(roc.thresholds, c.roc.thresholds, 'thresholds');
    assert.ok(Math.abs(rocAuc(c.y_true, c.y_score) - c.roc_auc) < 1e-12);
  });

  test(`${c.name}: bootstrap intervals equal NumPy's RandomState(0) resampling`, () => {
    const rng = new MT19937(0);
    assert.deepEqual(c.first_randint.map(() => rng.randint(0, c.y_true.length)), c.first_randint);
    const ci = bootstrapIntervals(c.y_true, c.y_pred, c.y_score);
    assertDeepClose(ci.accuracy, c.ci95.accuracy, 'accuracy');
    assertDeepClose(ci.f1_macro, c.ci95.f1_macro, 'f1_macro');
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(ci.roc_auc[i]! - c.ci95.roc_auc[i]!) < 1e-9, `roc_auc ${ci.roc_auc} vs ${c.ci95.roc_auc}`);
  });
}

test('zero division gives 0 and says which', () => {
  const { report, zeroDivision } = classificationReport([0, 1, 1], [0, 0, 0]);
  assert.equal(report.sold.precision, 0);
  assert.match(zeroDivision.join(), /precision of sold/);
});

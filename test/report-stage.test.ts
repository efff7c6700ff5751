import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportStage } from '../pipeline/report/report-stage.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import type { StageContext } from '../pipeline/stage-types.ts';
import { createContext } from '../pipeline/stage-context.ts';
import { makeProject } from './helpers/project.ts';

/** The report stage over hand-made `_data`, with what it writes recorded. */
async function runReport(files: Record<string, string>) {
  const loaded = await makeProject();
  await mkdir(loaded.resolved.data, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(loaded.resolved.data, `${name}.json`), text);
  const written: Record<string, object> = {};
  // The runner's own context (its upstream reads and checks), with `_data` writes recorded.
  const ctx: StageContext = {
    ...createContext(reportStage, loaded, 'f', createRecordingLogger(), new Map()),
    writeData: async (name, value) => void (written[name] = value),
  };
  await reportStage.run(ctx);
  return written;
}

const train = JSON.stringify({ history: [{ epoch: 1, train_loss: 0.7, val_loss: 0.69, val_accuracy: 0.5 }] });
const evaluate = JSON.stringify({
  report: { not_sold: { precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 2 }, sold: { precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 2 }, accuracy: 0.5, 'macro avg': { precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 4 }, 'weighted avg': { precision: 0.5, recall: 0.5, 'f1-score': 0.5, support: 4 } },
  confusion_matrix: [[1, 1], [1, 1]], roc_auc: 0.5, roc: { fpr: [0, 1], tpr: [0, 1], thresholds: [1, 0] }, ci95: { accuracy: [0.25, 0.75], f1_macro: [0.2, 0.8], roc_auc: [0.2, 0.8] },
});

test('the report stage reads its inputs; absent clusters (a stage with nothing to do) are allowed', async () => {
  const written = await runReport({ train, evaluate });
  const report = written.report as { loss_rows: unknown[]; clusters: object };
  assert.equal(report.loss_rows.length, 2);
  assert.deepEqual(report.clusters, {});
});

test('a half-written or missing stage output is an error naming the file, not a vanished section', async () => {
  await assert.rejects(runReport({ train, evaluate, clusters_resnet: '{"source": "resnet", "clus' }), /clusters_resnet\.json: .*written by the cluster-resnet stage, is not valid JSON/);
  await assert.rejects(runReport({ train: train.slice(0, 20), evaluate }), /train\.json: .*not valid JSON/);
  await assert.rejects(runReport({ train }), /evaluate\.json: cannot read/);
});

/**
 * Shapes what the narrative needs from the other stages' outputs: chart-ready rows and
 * wording that follows from the numbers (never written in advance). Pure.
 */
import type { ClusterData, EvaluateData, MetricRow, ReportData, TrainData, Verdict } from '../contracts.ts';
import { DIFFERENCE_INTERVAL } from '../cluster/sales.ts';

export interface StudyReference {
  report: Record<string, { precision: number; recall: number; 'f1-score': number; support?: number } | number>;
}

const CLASS_KEYS = ['not_sold', 'sold', 'macro avg', 'weighted avg'];

function metricRows(report: Record<string, unknown>, source: string): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const cls of CLASS_KEYS) {
    const entry = report[cls] as Record<string, number> | undefined;
    if (!entry || typeof entry !== 'object') continue;
    for (const metric of ['precision', 'recall', 'f1-score']) rows.push({ source, class: cls, metric, value: entry[metric]! });
  }
  return rows;
}

/** The verdict follows from the bootstrap interval of accuracy, not from an expectation. */
export function verdictFrom(evaluation: EvaluateData): Verdict {
  const supports = [evaluation.report.not_sold.support, evaluation.report.sold.support];
  const chance = Math.max(...supports) / (supports[0]! + supports[1]!);
  const [lo, hi] = evaluation.ci95.accuracy;
  const accuracy = evaluation.report.accuracy;
  const against_chance = lo > chance ? 'better' : hi < chance ? 'worse' : 'indistinguishable';
  const gap = Math.abs(accuracy - chance);
  const strength = against_chance === 'indistinguishable' ? null : gap < 0.05 ? 'barely' : gap < 0.1 ? 'modestly' : 'clearly';
  const f = (v: number) => v.toFixed(2);
  const interval = `(95% interval ${f(lo)} to ${f(hi)})`;
  // On a balanced set there is no larger class to guess.
  const guess = supports[0] === supports[1] ? 'that guessing scores on this balanced set' : 'that always guessing the larger class would score';
  const sentence =
    against_chance === 'indistinguishable'
      ? `An accuracy of ${f(accuracy)} ${interval} cannot be told apart from the ${f(chance)} ${guess}.`
      : `An accuracy of ${f(accuracy)} ${interval} is ${strength} ${against_chance === 'better' ? 'better' : 'worse'} than the ${f(chance)} ${guess}.`;
  return { against_chance, strength, chance, sentence };
}

export function assembleReport(reference: StudyReference, train?: TrainData, evaluation?: EvaluateData, clusterData: ClusterData[] = []): ReportData {
  const study = metricRows(reference.report as Record<string, unknown>, 'study');
  const ours = evaluation ? metricRows(evaluation.report as unknown as Record<string, unknown>, 'this build') : [];
  const names = ['not_sold', 'sold'];
  const confusion_rows = evaluation
    ? evaluation.confusion_matrix.flatMap((row, i) => {
        const total = row[0] + row[1];
        return row.map((count, j) => ({ actual: names[i]!, predicted: names[j]!, count, share: total ? count / total : 0 }));
      })
    : [];
  const supports = ['not_sold', 'sold'].map((c) => (reference.report[c] as { support?: number } | undefined)?.support ?? 0);
  return {
    study_metrics: study,
    study_chance: supports[0]! + supports[1]! > 0 ? Math.max(...supports) / (supports[0]! + supports[1]!) : 0.5,
    comparison: [...ours, ...study],
    verdict: evaluation ? verdictFrom(evaluation) : null,
    loss_rows: (train?.history ?? []).flatMap((h) => [
      { epoch: h.epoch, split: 'train' as const, loss: h.train_loss },
      { epoch: h.epoch, split: 'validation' as const, loss: h.val_loss },
    ]),
    confusion_rows,
    clusters: Object.fromEntries(
      clusterData.map((c) => [
        c.source,
        {
          elbow: c.elbow.map((e) => ({ ...e, chosen: e.k === c.k })),
          sales: c.clusters.map((s) => ({ cluster: s.cluster, name: s.name, size: s.size, sold_rate: s.sold_rate, lo: s.ci95[0], hi: s.ci95[1], p_holm: s.p_holm, overall: c.overall_rate })),
          significant: c.clusters.filter((s) => s.significant).length,
          untestable: c.clusters.filter((s) => !s.testable).length,
          lowest_rate: Math.min(...c.clusters.map((s) => s.sold_rate)),
          highest_rate: Math.max(...c.clusters.map((s) => s.sold_rate)),
        },
      ]),
    ),
    cluster_pages: clusterData.flatMap((c) =>
      c.clusters.map((s) => ({ ...s, source: c.source, label: c.source === 'clip' ? 'CLIP' : 'ResNet', k: c.k, overall_rate: c.overall_rate, slug: `${c.source}-${s.cluster}` })),
    ),
    difference_interval: DIFFERENCE_INTERVAL,
    weights_card: train?.weights?.card ? [{ markdown: train.weights.card }] : [],
    roc_rows: evaluation?.roc ? evaluation.roc.fpr.map((fpr, i) => ({ fpr, tpr: evaluation.roc!.tpr[i]! })) : [],
    table: evaluation
      ? CLASS_KEYS.map((cls) => {
          const r = evaluation.report[cls as 'sold'];
          return { class: cls, precision: r.precision, recall: r.recall, f1: r['f1-score'], support: r.support };
        })
      : [],
  };
}

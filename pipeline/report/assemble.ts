/**
 * Shapes what the narrative needs from the other stages' outputs: chart-ready rows and
 * wording that follows from the numbers (never written in advance). Pure.
 */
import { EMBEDDERS } from '../embed/embedders.ts';
import type { ClusterData, ClusterLink, ClusterMap, EvaluateData, MetricRow, ReportData, TrainData, Verdict } from '../contracts.ts';
import { DIFFERENCE_INTERVAL } from '../cluster/sales.ts';
import { chartConfig } from '../site/chart-theme.ts';

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

/** The cluster pages' small map: its width in pixels, and the most and least height it takes. */
export const CLUSTER_MAP = { width: 320, minHeight: 180, maxHeight: 320, pad: 6 };

/**
 * The colour a cluster has on the report's t-SNE map: the map colours by cluster name with the
 * theme's category range, over the names in Vega's default (ascending) domain order.
 */
export function clusterColour(name: string, names: string[], palette: readonly string[] = chartConfig.range.category): string {
  const domain = [...new Set(names)].sort();
  return palette[Math.max(0, domain.indexOf(name)) % palette.length]!;
}

/** One clustering's t-SNE points scaled into the small map's box, with `cluster` highlighted. */
export function clusterMap(points: ClusterData['points'], cluster: number, colour: string, box = CLUSTER_MAP): ClusterMap {
  // A loop, not Math.min(...xs): a large validation set would overflow the argument list.
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) [x0, x1, y0, y1] = [Math.min(x0, p.x), Math.max(x1, p.x), Math.min(y0, p.y), Math.max(y1, p.y)];
  if (points.length === 0) [x0, x1, y0, y1] = [0, 0, 0, 0];
  const spanX = x1 - x0 || 1;
  const spanY = y1 - y0 || 1;
  const inner = box.width - 2 * box.pad;
  const height = Math.round(Math.min(box.maxHeight, Math.max(box.minHeight, inner * (spanY / spanX) + 2 * box.pad)));
  const scale = Math.min(inner / spanX, (height - 2 * box.pad) / spanY);
  // Centred in the box; y grows upwards, as on the report's map.
  const left = (box.width - spanX * scale) / 2;
  const top = (height - spanY * scale) / 2;
  const path = (subset: ClusterData['points']) => {
    const seen = new Set<string>();
    for (const p of subset) seen.add(`M${Math.round(left + (p.x - x0) * scale)} ${Math.round(top + (y1 - p.y) * scale)}h0`);
    return [...seen].join('');
  };
  const members = points.filter((p) => p.cluster === cluster);
  return {
    width: box.width,
    height,
    others: path(points.filter((p) => p.cluster !== cluster)),
    members: path(members),
    colour,
    member_points: members.length,
    all_points: points.length,
  };
}

/** One page per cluster, in cluster order within each clustering, linked to its neighbours. */
export function clusterPages(clusterData: ClusterData[]): ReportData['cluster_pages'] {
  return clusterData.flatMap((c) => {
    const ordered = [...c.clusters].sort((a, b) => a.cluster - b.cluster);
    const link = (s: ClusterData['clusters'][number] | undefined): ClusterLink | null => (s ? { slug: `${c.source}-${s.cluster}`, name: s.name, cluster: s.cluster } : null);
    const names = c.points.map((p) => p.name);
    return ordered.map((s, i) => ({
      ...s,
      source: c.source,
      label: EMBEDDERS[c.source].name,
      k: c.k,
      overall_rate: c.overall_rate,
      slug: `${c.source}-${s.cluster}`,
      position: i + 1,
      previous: link(ordered[i - 1]),
      next: link(ordered[i + 1]),
      map: clusterMap(c.points, s.cluster, clusterColour(s.name, names.length ? names : ordered.map((o) => o.name))),
    }));
  });
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
    cluster_pages: clusterPages(clusterData),
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

/**
 * Shapes what the narrative needs from the other stages' outputs: chart-ready rows and
 * wording that follows from the numbers. Pure: plain data in, plain data out.
 */
export interface StudyReference {
  report: Record<string, { precision: number; recall: number; 'f1-score': number; support?: number } | number>;
}

export interface MetricRow {
  source: string;
  class: string;
  metric: string;
  value: number;
}

/** The study's classification report as long-format rows (class x metric), for a grouped bar chart. */
export function referenceMetricRows(reference: StudyReference): MetricRow[] {
  const rows: MetricRow[] = [];
  for (const cls of ['not_sold', 'sold', 'macro avg', 'weighted avg']) {
    const entry = reference.report[cls];
    if (!entry || typeof entry === 'number') continue;
    for (const metric of ['precision', 'recall', 'f1-score'] as const) {
      rows.push({ source: 'study', class: cls, metric, value: entry[metric] });
    }
  }
  return rows;
}

export interface ReportData {
  study_metrics: MetricRow[];
}

export function assembleReport(reference: StudyReference): ReportData {
  return { study_metrics: referenceMetricRows(reference) };
}

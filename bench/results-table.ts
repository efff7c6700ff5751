/**
 * The benchmark table, rendered from `bench/results.json` alone: `bench/results.md` and the
 * README's benchmark block are both this text, so neither can drift from the measurements.
 */
export interface ResultRow {
  work: string;
  ours: string;
  anchor: string;
  ratio: string;
  note?: string;
}

export interface BenchResults {
  machine: string;
  quick: boolean;
  date: string;
  seconds: number;
  rows: ResultRow[];
  results: Record<string, unknown>;
}

export function resultsMarkdown(bench: Pick<BenchResults, 'machine' | 'quick' | 'date' | 'rows'>): string {
  return [
    `Measured ${bench.date.slice(0, 10)} on ${bench.machine}${bench.quick ? ' (--quick)' : ''}.`,
    '',
    '| work | ours | anchor | speed vs anchor (above 1: ours faster) | note |',
    '|---|---|---|---|---|',
    ...bench.rows.map((r) => `| ${r.work} | ${r.ours} | ${r.anchor} | ${r.ratio} | ${r.note ?? ''} |`),
  ].join('\n');
}

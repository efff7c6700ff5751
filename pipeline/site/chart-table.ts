/**
 * The text alternative behind every chart: the chart's own data as an HTML table (escaped),
 * so screen readers, search engines and readers without JavaScript get the numbers.
 */
import { escapeHtml } from './escape.ts';
import { readerWord } from './chart-readable.ts';

const MAX_ROWS = 40;

export function dataTable(values: unknown, caption: string): string {
  if (!Array.isArray(values) || values.length === 0 || typeof values[0] !== 'object') return '';
  const rows = values as Record<string, unknown>[];
  const columns = [...new Set(rows.slice(0, MAX_ROWS).flatMap((r) => Object.keys(r ?? {})))].filter(
    (c) => !c.startsWith('_') && !/^(image|thumb|url)$/i.test(c),
  );
  if (columns.length === 0) return '';
  const cell = (v: unknown) => escapeHtml(typeof v === 'number' ? formatCell(v) : v === null || v === undefined ? '' : String(v));
  const body = rows
    .slice(0, MAX_ROWS)
    .map((r) => `<tr>${columns.map((c) => (typeof r?.[c] === 'number' ? `<td class="num">${cell(r[c])}</td>` : `<td>${cell(r?.[c])}</td>`)).join('')}</tr>`)
    .join('');
  const more = rows.length > MAX_ROWS ? `<p class="chart-table-more">First ${MAX_ROWS} of ${rows.length.toLocaleString('en-US')} rows.</p>` : '';
  return `<details class="chart-data"><summary>Data behind this chart</summary><table><caption>${escapeHtml(caption)}</caption><thead><tr>${columns
    .map((c) => `<th scope="col"${typeof rows[0]?.[c] === 'number' ? ' class="num"' : ''}>${escapeHtml(readerWord(c).replace(/_/g, ' '))}</th>`)
    .join('')}</tr></thead><tbody>${body}</tbody></table>${more}</details>`;
}

function formatCell(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

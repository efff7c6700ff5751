/**
 * Prices as scraped: currency symbols and codes, spaces (also no-break ones), thousands
 * separators and either decimal mark. `dataset.decimal` "auto" decides the mark over the
 * whole column: ',' when some value can only be read with a decimal comma (12,50; 1.299,00)
 * and none can only be read with a decimal point (12.50; 1,299.00); '.' otherwise. A value that
 * does not parse with the chosen mark is never truncated: the caller reports it (bad_price).
 */

export type DecimalMark = '.' | ',';

/** The number part of a price: currency symbols, three-letter codes and spaces removed. */
export function cleanPrice(raw: string): string {
  return raw
    .replace(/[\p{Sc}\s\u00a0\u202f]/gu, '')
    .replace(/^[A-Za-z]{3}(?=[-+\d.,])/, '')
    .replace(/(?<=[\d.,])[A-Za-z]{3}$/, '');
}

// Only readable with a decimal comma: 12,50 / 1.299,00 / 1234,567 (a thousands comma needs 1-3 digits before it).
const COMMA_ONLY = /^[-+]?(\d{1,3}(\.\d{3})+,\d+|\d+,\d{1,2}|\d+,\d{4,}|\d{4,},\d+)$/;
// Only readable with a decimal point: 12.50 / 1,299.00 / 1234.567.
const POINT_ONLY = /^[-+]?(\d{1,3}(,\d{3})+\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}|\d{4,}\.\d+)$/;

/** The decimal mark of a column ("auto"), from its raw values. */
export function detectDecimal(values: Iterable<string>): DecimalMark {
  let comma = false;
  for (const raw of values) {
    const v = cleanPrice(raw);
    if (POINT_ONLY.test(v)) return '.';
    if (COMMA_ONLY.test(v)) comma = true;
  }
  return comma ? ',' : '.';
}

/** The price, or undefined for an empty value, or NaN when it does not parse with `decimal`. */
export function parsePrice(raw: string | undefined, decimal: DecimalMark): number | undefined {
  const v = cleanPrice(raw ?? '');
  if (v === '') return undefined;
  const t = decimal === '.' ? ',' : '.';
  const d = decimal === '.' ? '\\.' : ',';
  const pattern = new RegExp(`^([-+]?)(\\d+|\\d{1,3}(?:\\${t}\\d{3})+)?(?:${d}(\\d*))?$`);
  const m = pattern.exec(v);
  if (!m || (m[2] === undefined && !m[3])) return Number.NaN;
  const whole = (m[2] ?? '0').split(t).join('');
  return Number(`${m[1]}${whole}${m[3] ? `.${m[3]}` : ''}`);
}

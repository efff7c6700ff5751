/**
 * Number filters for the narrative: every figure in the prose passes through one of these, so
 * a missing or non-numeric value fails the build (naming the page) instead of printing
 * "undefined" or "NaN".
 */
import { StudyError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';
import { readerWord } from './chart-readable.ts';

interface FilterThis {
  page?: { inputPath?: string };
  context?: { getSync?: (path: string[]) => unknown };
}

/** The page being rendered: Eleventy's `this.page`, or Liquid's context when that is lazy. */
function pageOf(self: FilterThis | undefined): string {
  const direct = self?.page?.inputPath;
  if (typeof direct === 'string') return direct;
  try {
    const fromContext = self?.context?.getSync?.(['page', 'inputPath']);
    if (typeof fromContext === 'string') return fromContext;
  } catch {
    // Not in a page context.
  }
  return 'a page';
}

function requireNumber(this: FilterThis | undefined, value: unknown, filter: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    const page = pageOf(this);
    throw new StudyError(msg.filterNeedsNumber(page, filter, value));
  }
  return number;
}

/** `{{ x | fixed: 2 }}` -> "0.53" */
export function fixed(this: FilterThis | undefined, value: unknown, digits = 2): string {
  return requireNumber.call(this, value, 'fixed').toFixed(digits);
}

/** `{{ 0.5312 | percent: 1 }}` -> "53.1%" (the value is a proportion). */
export function percent(this: FilterThis | undefined, value: unknown, digits = 0): string {
  return `${(requireNumber.call(this, value, 'percent') * 100).toFixed(digits)}%`;
}

/** `{{ 12500 | thousands }}` -> "12,500"; rounds to an integer unless digits are given. */
export function thousands(this: FilterThis | undefined, value: unknown, digits = 0): string {
  return requireNumber.call(this, value, 'thousands').toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** `{{ 0.0312 | signed_percent: 1 }}` -> "+3.1 points" style differences. */
export function signedPercent(this: FilterThis | undefined, value: unknown, digits = 1): string {
  const n = requireNumber.call(this, value, 'signed_percent') * 100;
  return `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(digits)}`;
}

/** `{{ p | p_value }}` -> "0.0136", or "2.3e-12" below 0.0001 (a tail is never printed as 0). */
export function pValue(this: FilterThis | undefined, value: unknown): string {
  const p = requireNumber.call(this, value, 'p_value');
  return p >= 1e-4 || p === 0 ? p.toFixed(4) : p.toExponential(1);
}

/** `{{ 'not_sold' | reader }}` -> "not sold": internal labels in readers' words. */
export function reader(value: unknown): string {
  return readerWord(String(value ?? ''));
}

/** `{{ detail | reader_text }}`: internal labels inside a sentence in readers' words. */
export function readerText(value: unknown): string {
  // The setting that decides a limit is named on the Methods page, not in the reader's text.
  return String(value ?? '').replace(/\bnot_sold\b/g, 'not sold').replace(/ \((dataset|preprocess|model|train|gradcam|clip|cluster|site|baselines)\.[a-z_.]+\)/g, '');
}

/**
 * `{{ 'kids=true' | feature }}`: a metadata-model feature in readers' words: "kids: true",
 * "brand: any other value", "price (log of 1 + price)", "price missing".
 */
export function feature(value: unknown): string {
  const name = String(value ?? '');
  if (name === 'log_price') return 'price (log of 1 + price)';
  if (name === 'price_missing') return 'price missing';
  const at = name.indexOf('=');
  if (at < 0) return name;
  const [column, level] = [name.slice(0, at), name.slice(at + 1)];
  return `${column}: ${level === 'other' ? 'any other value' : level}`;
}

export const numberFilters = { fixed, percent, thousands, signed_percent: signedPercent, p_value: pValue, reader, reader_text: readerText, feature };

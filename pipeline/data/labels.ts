import type { LabelValues } from '../core/config-types.ts';

/** Class order is always not_sold, sold (index 0, 1): the logit is the score of `sold`. */
export const CLASSES = ['not_sold', 'sold'] as const;
export type ClassName = (typeof CLASSES)[number];

const SOLD = ['true', '1', 'sold', 'yes'];
const NOT_SOLD = ['false', '0', 'not_sold', 'no'];

export const ACCEPTED_LABELS = 'true/false, 1/0, sold/not_sold, yes/no';

const normal = (value: unknown) => String(value ?? '').trim().toLowerCase();

/** `sold` / `not_sold` for an accepted spelling (any case, surrounding spaces ignored), else undefined. */
export function parseLabel(value: unknown): ClassName | undefined {
  const text = normal(value);
  if (SOLD.includes(text)) return 'sold';
  if (NOT_SOLD.includes(text)) return 'not_sold';
  return undefined;
}

export interface LabelVocabulary {
  parse(value: unknown): ClassName | undefined;
  /** The accepted values, as a problem detail names them. */
  accepted: string;
  /** Whether the vocabulary is the config's `dataset.label_values`. */
  mapped: boolean;
}

/**
 * The vocabulary of the sold column: `dataset.label_values` when given (trimmed, any case; it
 * replaces the default one), else the default spellings.
 */
export function labelVocabulary(values: LabelValues | null | undefined): LabelVocabulary {
  if (!values) return { parse: parseLabel, accepted: ACCEPTED_LABELS, mapped: false };
  const map = new Map<string, ClassName>();
  for (const c of CLASSES) for (const v of values[c]) map.set(normal(v), c);
  const accepted = CLASSES.map((c) => `${c}: ${values[c].map((v) => JSON.stringify(v.trim())).join(', ')}`).join('; ');
  return { parse: (value) => map.get(normal(value)), accepted: `${accepted} (dataset.label_values)`, mapped: true };
}

/** Values of `dataset.label_values` listed under both classes (compared trimmed, any case). */
export function labelValuesOverlap(values: LabelValues): string[] {
  const sold = new Set(values.sold.map(normal));
  return [...new Set(values.not_sold.map(normal).filter((v) => sold.has(v)))];
}

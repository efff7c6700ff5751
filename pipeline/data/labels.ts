/** Class order is always not_sold, sold (index 0, 1): the logit is the score of `sold`. */
export const CLASSES = ['not_sold', 'sold'] as const;
export type ClassName = (typeof CLASSES)[number];

const SOLD = new Set(['true', '1', 'sold', 'yes']);
const NOT_SOLD = new Set(['false', '0', 'not_sold', 'no']);

export const ACCEPTED_LABELS = 'true/false, 1/0, sold/not_sold, yes/no';

/** `sold` / `not_sold` for an accepted spelling (any case, surrounding spaces ignored), else undefined. */
export function parseLabel(value: unknown): ClassName | undefined {
  const text = String(value ?? '').trim().toLowerCase();
  if (SOLD.has(text)) return 'sold';
  if (NOT_SOLD.has(text)) return 'not_sold';
  return undefined;
}

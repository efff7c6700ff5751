/** Numbers in findings, printed by the site's own filters so a sentence matches the page. */
import { fixed, percent, pValue } from '../site/filters.ts';

export const f2 = (v: number) => fixed.call(undefined, v, 2);
export const pct = (v: number) => percent.call(undefined, v, 0);
/** A difference of probabilities in percentage points, one decimal. */
export const points = (v: number) => fixed.call(undefined, v * 100, 1);
export const p = (v: number) => pValue.call(undefined, v);
export const count = (n: number) => n.toLocaleString('en-US');

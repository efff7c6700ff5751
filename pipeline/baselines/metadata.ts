/**
 * Features from what the manifest says about a listing, for the metadata-only baseline (the
 * honest control for "the photo alone"): category and brand (one-hot, the 50 most common in
 * training, the rest pooled), log price with a missing flag, currency, and any extra column
 * (numeric as is, categorical one-hot when it has at most 50 values). Never the outcome's own
 * traces: sold_at (set only for sold items), the id, the image path, the group (seller) or
 * free-text titles.
 */
import type { Listing } from '../data/types.ts';

const TOP = 50;

export interface FeatureSpace {
  names: string[];
  /** The manifest columns behind the features. */
  columns: string[];
  encode(listing: Listing): number[];
  /** Columns whose values alone split the training labels perfectly (a likely leak of the outcome). */
  separating(labels: number[]): string[];
}

function topValues(values: (string | undefined)[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP).map(([v]) => v);
}

export function metadataFeatures(train: Listing[], excludeExtra: string[] = []): FeatureSpace {
  const blocks: { column: string; names: string[]; encode: (l: Listing) => number[] }[] = [];
  const oneHot = (name: string, get: (l: Listing) => string | undefined) => {
    const values = topValues(train.map(get));
    if (values.length === 0) return;
    const index = new Map(values.map((v, i) => [v, i]));
    blocks.push({
      column: name,
      names: [...values.map((v) => `${name}=${v}`), `${name}=other`],
      encode: (l) => {
        const out = new Array<number>(values.length + 1).fill(0);
        const v = get(l);
        out[v !== undefined && index.has(v) ? index.get(v)! : values.length] = 1;
        return out;
      },
    });
  };
  oneHot('category', (l) => l.category);
  oneHot('brand', (l) => l.brand);
  oneHot('currency', (l) => l.currency);
  if (train.some((l) => l.price !== undefined)) {
    blocks.push({ column: 'price', names: ['log_price', 'price_missing'], encode: (l) => (l.price === undefined ? [0, 1] : [Math.log1p(Math.max(0, l.price)), 0]) });
  }
  const extraNames = [...new Set(train.flatMap((l) => Object.keys(l.extra)))].filter((k) => !excludeExtra.includes(k)).sort();
  for (const key of extraNames) {
    const values = train.map((l) => l.extra[key]);
    if (values.every((v) => v === undefined || v === '' || Number.isFinite(Number(v)))) {
      blocks.push({ column: key, names: [key], encode: (l) => [Number(l.extra[key] ?? 0) || 0] });
    } else if (new Set(values).size <= TOP) {
      oneHot(key, (l) => l.extra[key]);
    }
  }
  return {
    names: blocks.flatMap((b) => b.names),
    columns: blocks.map((b) => b.column),
    encode: (l) => blocks.flatMap((b) => b.encode(l)),
    separating: (labels) =>
      blocks
        .filter((b) => {
          // Perfect separation by a few shared values (a price unique to every listing would
          // separate trivially): no value is held by both a sold and an unsold listing.
          const seen = new Map<string, number>();
          const pure = train.every((l, i) => {
            const key = b.encode(l).join(',');
            const before = seen.get(key);
            seen.set(key, labels[i]!);
            return before === undefined || before === labels[i];
          });
          return pure && new Set(labels).size > 1 && seen.size <= Math.min(TOP, train.length / 5);
        })
        .map((b) => b.column),
  };
}

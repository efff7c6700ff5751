/** Turns a check and a split into `_data/dataset.json` (pure). */
import type { DatasetData } from '../contracts.ts';
import { unrecognisedLabelLines, type CheckResult } from './check.ts';
import { CLASSES } from './labels.ts';
import type { SplitResult } from './split.ts';
import type { Listing, ProblemReason } from './types.ts';
import { withoutMachinePaths } from '../core/public-text.ts';

const REASONS: ProblemReason[] = ['missing', 'unreadable', 'not_an_image', 'too_large', 'outside_root', 'bad_label', 'duplicate_id', 'duplicate_image', 'bad_row', 'bad_price'];
const PROBLEMS_SHOWN = 200;
const TOP = 25;

function tally(listings: Listing[], key: (l: Listing) => string | undefined) {
  const counts = new Map<string, { count: number; sold: number }>();
  for (const l of listings) {
    const k = key(l);
    if (k === undefined || k === '') continue;
    const entry = counts.get(k) ?? { count: 0, sold: 0 };
    entry.count++;
    if (l.label === 'sold') entry.sold++;
    counts.set(k, entry);
  }
  return [...counts]
    .sort(([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : 1))
    .slice(0, TOP)
    .map(([name, { count, sold }]) => ({ name, count, sold, sold_rate: sold / count }));
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summariseDataset(
  check: CheckResult,
  split: SplitResult,
  options: { manifest: string; root: string | readonly string[]; simulated: boolean; validationFraction: number; requested: { train: number; validation: number; test: number } },
): DatasetData {
  const problem_counts = Object.fromEntries(REASONS.map((r) => [r, 0])) as Record<ProblemReason, number>;
  for (const p of check.problems) problem_counts[p.reason]++;
  const prices = check.listings.map((l) => l.price).filter((p): p is number => p !== undefined).sort((a, b) => a - b);
  const currencies = new Set(check.listings.map((l) => l.currency).filter(Boolean));
  return {
    simulated_labels: options.simulated,
    manifest: options.manifest,
    rows: check.rows,
    usable: check.usable,
    // bad_price rows are reported but kept: they are not left out.
    excluded: check.problems.filter((p) => p.reason !== 'bad_price').length,
    by_label: check.by_label,
    problem_counts,
    // A manifest may name absolute paths (they are refused as outside_root): shown relative.
    problems: check.problems.slice(0, PROBLEMS_SHOWN).map((p) => ({ ...p, image: withoutMachinePaths(p.image, options.root), detail: withoutMachinePaths(p.detail, options.root) })),
    problems_shown: Math.min(PROBLEMS_SHOWN, check.problems.length),
    near_duplicates: { pairs: check.near_duplicates.length, examples: check.near_duplicates.slice(0, 50) },
    split: {
      validation_fraction: options.validationFraction,
      groups: split.groups,
      available: split.available,
      requested_per_class: options.requested,
      per_class: split.per_class,
      sizes: { train: split.train.length, validation: split.validation.length, test: split.test.length },
      grouped_by: check.grouped_by,
      leaks_removed: split.leaks_removed.length,
      warnings: split.warnings,
    },
    label_rows: CLASSES.map((label) => ({ label, count: check.by_label[label] })),
    problem_rows: REASONS.filter((r) => problem_counts[r] > 0).map((reason) => ({ reason, count: problem_counts[reason] })),
    categories: tally(check.listings, (l) => l.category).map(({ name, ...rest }) => ({ category: name, ...rest })),
    brands: tally(check.listings, (l) => l.brand).map(({ name, ...rest }) => ({ brand: name, ...rest })),
    price: prices.length
      ? { median: quantile(prices, 0.5), p25: quantile(prices, 0.25), p75: quantile(prices, 0.75), currency: currencies.size === 1 ? [...currencies][0]! : null, count: prices.length }
      : null,
    sold_rate: check.usable ? check.by_label.sold / check.usable : 0,
    unrecognised_labels: check.unrecognised_labels,
    unrecognised_lines: unrecognisedLabelLines(check),
  };
}

/**
 * The balanced train/validation (and optional test) split, without leakage:
 *  1. each group (seller; the id when there is none) goes to validation when a seeded hash of
 *     its key falls below the validation fraction, to test when it falls in the next
 *     test-fraction (only when a test set is requested), else to train: one seller's photos
 *     never straddle the split, and a row's side depends only on its group key and the seed;
 *  2. of a near-duplicate pair on two sides, the photo outside train (or, between validation
 *     and test, the test one) is dropped: the same item photographed twice would leak;
 *  3. within each side and class, the N rows with the lowest seeded hash of their id are
 *     kept, N the same for both classes (balanced): the requested count, or fewer when a class
 *     has fewer rows.
 * The result depends on the set of rows, not their order. Appending rows never moves a row to
 * the other side and can only displace the highest-hash rows of its own side and class
 * (or, through rule 2, drop a validation row that a new training photo duplicates).
 */
import { keyedUniform } from '../core/random.ts';
import { CLASSES, type ClassName } from './labels.ts';
import type { Listing, NearDuplicate } from './types.ts';
import * as msg from '../core/messages.ts';

export type Side = 'train' | 'validation' | 'test';
export const SIDES: Side[] = ['train', 'validation', 'test'];

/** Where scores are reported: the test set when one was held out, else validation (the study's design). */
export function scoredSide(split: { validation?: unknown[]; test?: unknown[] }): 'validation' | 'test' {
  return split.test && split.test.length > 0 ? 'test' : 'validation';
}

/** The listings scores are reported on (see scoredSide). */
export function scoredListings<L>(split: { validation: L[]; test?: L[] }): L[] {
  return scoredSide(split) === 'test' ? split.test! : split.validation;
}

export interface SplitOptions {
  seed: number;
  validationFraction: number;
  /** Share of groups held out for the test set (used only when perClass.test > 0). */
  testFraction: number;
  perClass: Record<Side, number>;
}

export interface SplitResult {
  train: Listing[];
  validation: Listing[];
  test: Listing[];
  groups: Record<Side, number>;
  available: Record<Side, Record<ClassName, number>>;
  per_class: Record<Side, number>;
  leaks_removed: NearDuplicate[];
  warnings: string[];
}

export function sideOfGroup(group: string, seed: number, validationFraction: number, testFraction = 0): Side {
  const u = keyedUniform(seed, 'split', group);
  return u < validationFraction ? 'validation' : u < validationFraction + testFraction ? 'test' : 'train';
}

/** Which photo of a pair across two sides leaves: never the training one; test before validation. */
const LEAVES: Record<Side, number> = { train: 0, validation: 1, test: 2 };

export function splitListings(listings: Listing[], nearDuplicates: NearDuplicate[], options: SplitOptions): SplitResult {
  const side = new Map<string, Side>();
  const groups: Record<Side, Set<string>> = { train: new Set(), validation: new Set(), test: new Set() };
  const testFraction = options.perClass.test > 0 ? options.testFraction : 0;
  for (const l of listings) {
    const s = sideOfGroup(l.group, options.seed, options.validationFraction, testFraction);
    side.set(l.id, s);
    groups[s].add(l.group);
  }
  // Rule 2: drop the held-out member of every near-duplicate pair that spans two sides.
  const leaks_removed: NearDuplicate[] = [];
  const dropped = new Set<string>();
  for (const pair of nearDuplicates) {
    const [a, b] = [side.get(pair.id), side.get(pair.of_id)];
    if (!a || !b || a === b) continue;
    const first = LEAVES[a] > LEAVES[b];
    const leaving = first ? pair.id : pair.of_id;
    if (dropped.has(leaving)) continue;
    dropped.add(leaving);
    leaks_removed.push(first ? pair : { line: pair.of_line, id: pair.of_id, of_line: pair.line, of_id: pair.id, distance: pair.distance });
  }

  const pools: Record<Side, Record<ClassName, Listing[]>> = {
    train: { not_sold: [], sold: [] },
    validation: { not_sold: [], sold: [] },
    test: { not_sold: [], sold: [] },
  };
  for (const l of listings) if (!dropped.has(l.id)) pools[side.get(l.id)!][l.label].push(l);

  const rank = new Map(listings.map((l) => [l.id, keyedUniform(options.seed, 'sample', l.id)]));
  const byRank = (a: Listing, b: Listing) => rank.get(a.id)! - rank.get(b.id)! || (a.id < b.id ? -1 : 1);
  const warnings: string[] = [];
  const result = { train: [] as Listing[], validation: [] as Listing[], test: [] as Listing[] };
  const available = {} as Record<Side, Record<ClassName, number>>;
  const per_class = {} as Record<Side, number>;
  for (const s of SIDES) {
    available[s] = { not_sold: pools[s].not_sold.length, sold: pools[s].sold.length };
    const n = Math.min(options.perClass[s], ...CLASSES.map((c) => pools[s][c].length));
    per_class[s] = n;
    if (n < options.perClass[s]) {
      const short = CLASSES.filter((c) => pools[s][c].length < options.perClass[s]).map((c) => `${c} has ${pools[s][c].length}`);
      warnings.push(msg.splitShort(s, options.perClass[s], short, n));
    }
    for (const c of CLASSES) result[s].push(...pools[s][c].sort(byRank).slice(0, n));
    result[s].sort(byRank);
  }
  return {
    ...result,
    groups: { train: groups.train.size, validation: groups.validation.size, test: groups.test.size },
    available,
    per_class,
    leaks_removed,
    warnings,
  };
}

/**
 * A reader's name for a cluster from its members' garment categories. A rule decides what the
 * cluster is (`decideClusterName`: too few labelled members, mixed, one category, a pair, one category and
 * others), a template per verdict words it (`wordClusterName`), and `uniqueClusterNames`
 * makes the names of one clustering distinct. Category text is kept verbatim (the site
 * escapes it). The decision compares whole counts, so a share exactly on a threshold is never
 * rounded to either side.
 */

/**
 * The thresholds, each a fraction written as [numerator, denominator] so that a share exactly on
 * a threshold compares exactly (whole counts, no rounding). The labelled share is of the
 * cluster's members; the other shares are of the members that have a category. The set is
 * this project's own (no published convention names clusters by category mix).
 */
export const NAME_RULES = {
  /** Fewer labelled members than half: too little to name the cluster by ("Cluster N"). */
  labelled_at_least: [1, 2],
  /** The top category below a third (what the top of three equal categories gets): nothing stands out ("Mixed"). */
  mixed_below: [1, 3],
  /** The top category a majority ... */
  single_at_least: [1, 2],
  /** ... and the second below a quarter: the top category alone ("Shorts"). */
  single_second_below: [1, 4],
  /** Otherwise the top two together a majority: "Shorts & Skirt"; below it, "Shorts & others". */
  pair_at_least: [1, 2],
} as const satisfies Record<string, readonly [number, number]>;

export type NameVerdict =
  | { kind: 'unlabelled' }
  | { kind: 'mixed' }
  | { kind: 'single'; top: string }
  | { kind: 'pair'; top: string; second: string }
  | { kind: 'top_and_others'; top: string };

/** Categories by count, most common first; ties by name (code-unit order, as the stage's top_categories). */
export function rankCategories(counts: Iterable<readonly [string, number]>): (readonly [string, number])[] {
  return [...counts].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** `part / whole` against a fraction, in integers: -1 below, 0 on it, 1 above. */
function compareShare(part: number, whole: number, [numerator, denominator]: readonly [number, number]): number {
  return Math.sign(part * denominator - whole * numerator);
}

/** Which kind of name a cluster of `size` members gets from its members' category counts. */
export function decideClusterName(counts: Iterable<readonly [string, number]>, size: number): NameVerdict {
  const ranked = rankCategories(counts);
  const labelled = ranked.reduce((s, [, n]) => s + n, 0);
  if (labelled === 0 || compareShare(labelled, size, NAME_RULES.labelled_at_least) < 0) return { kind: 'unlabelled' };
  const [top, topCount] = ranked[0]!;
  const [second, secondCount] = ranked[1] ?? [null, 0];
  if (compareShare(topCount, labelled, NAME_RULES.mixed_below) < 0) return { kind: 'mixed' };
  if (compareShare(topCount, labelled, NAME_RULES.single_at_least) >= 0 && compareShare(secondCount, labelled, NAME_RULES.single_second_below) < 0) return { kind: 'single', top };
  if (second !== null && compareShare(topCount + secondCount, labelled, NAME_RULES.pair_at_least) >= 0) return { kind: 'pair', top, second };
  return { kind: 'top_and_others', top };
}

/** The template per verdict. */
export function wordClusterName(verdict: NameVerdict, cluster: number): string {
  switch (verdict.kind) {
    case 'unlabelled':
      return `Cluster ${cluster}`;
    case 'mixed':
      return 'Mixed';
    case 'single':
      return verdict.top;
    case 'pair':
      return `${verdict.top} & ${verdict.second}`;
    case 'top_and_others':
      return `${verdict.top} & others`;
  }
}

/** A cluster's name before it is made unique: the rule, then its wording. */
export function nameCluster(cluster: number, counts: Iterable<readonly [string, number]>, size: number): string {
  return wordClusterName(decideClusterName(counts, size), cluster);
}

/**
 * The names of one clustering made distinct: every name that repeats gets " (cluster N)"
 * appended, all of its repeats included ("Mixed (cluster 2)", "Mixed (cluster 5)"). Repeated
 * until no two are equal (a category's own text could read like a suffixed name). In input order.
 */
export function uniqueClusterNames(clusters: readonly { cluster: number; name: string }[]): string[] {
  const names = clusters.map((c) => c.name);
  for (let pass = 0; pass <= clusters.length; pass++) {
    const seen = new Map<string, number>();
    for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
    if (names.every((name) => seen.get(name) === 1)) break;
    names.forEach((name, i) => {
      if (seen.get(name)! > 1) names[i] = `${name} (cluster ${clusters[i]!.cluster})`;
    });
  }
  return names;
}

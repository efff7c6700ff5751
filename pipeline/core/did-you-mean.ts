/**
 * "Did you mean": the known name a misspelt one most likely meant, for config keys, manifest
 * columns, and the site's paths and anchors.
 */

/** Edits between two words, a swap of neighbours counting as one (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key a misspelt one most likely meant: the fewest edits (compared in lower case,
 * `-` as `_`), at most a third of its length (at least 1, so `colum` -> `columns` is 2 of 5 and
 * too far only when the name is short); a tie gives no guess.
 */
export function closestKey(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/-/g, '_');
  const n = norm(name);
  const limit = Math.max(1, Math.floor(n.length / 3));
  let best: { key: string; edits: number; tie: boolean } | undefined;
  for (const key of known) {
    const edits = editDistance(n, norm(key));
    if (edits > limit) continue;
    if (!best || edits < best.edits) best = { key, edits, tie: false };
    else if (edits === best.edits) best.tie = true;
  }
  return best && !best.tie ? best.key : undefined;
}

/**
 * The existing path a broken one most likely meant: one with the same file name in another
 * folder (the commonest slip), else the fewest edits, at most a quarter of its length.
 */
export function closestPath(wanted: string, existing: Iterable<string>): string | undefined {
  const name = wanted.split('/').pop()!.toLowerCase();
  let best: { path: string; score: number } | undefined;
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  for (const path of existing) {
    const sameName = path.split('/').pop()!.toLowerCase() === name;
    const edits = editDistance(wanted.toLowerCase(), path.toLowerCase());
    if (!sameName && edits > limit) continue;
    const score = (sameName ? 0 : 1000) + edits;
    if (!best || score < best.score) best = { path, score };
  }
  return best?.path;
}

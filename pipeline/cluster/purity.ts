/**
 * Whether the clusters follow the garment category. Over the photos that have a category,
 * purity is the mean, over the clusters holding any of them, of the share of the cluster's
 * most common category. Against it, a permutation null: the cluster labels shuffled among
 * those photos (Fisher-Yates, seeded), which keeps every cluster's size and every category's
 * count and breaks only their link, and p = (1 + draws at or above the observed purity) /
 * (1 + draws) (Phipson & Smyth 2010: a permutation p is never 0). Counting runs on typed
 * arrays: 1,000 draws over 12,500 photos take a fraction of a second.
 */
import type { ClusterSemantics } from '../contracts.ts';
import { createRandom } from '../core/random.ts';
import { percentile } from '../evaluate/bootstrap.ts';

/** Permutation draws behind the null distribution. */
export const PURITY_DRAWS = 1000;

/**
 * A draw ties the observed purity within this relative margin, as scipy's `permutation_test`
 * (100 machine epsilons): the same counts summed in another order must not miss a tie.
 */
const TIE_TOLERANCE = 100 * Number.EPSILON;

/** Photos with a category, as dense indices: cluster in 0..clusters-1, category in 0..categories-1. */
interface Coded {
  cluster: Int32Array;
  category: Int32Array;
  clusters: number;
  categories: number;
  sizes: Int32Array;
}

/** The dense index of `key`, given the next free one on first sight. */
function idOf<K>(ids: Map<K, number>, key: K): number {
  let id = ids.get(key);
  if (id === undefined) ids.set(key, (id = ids.size));
  return id;
}

function encode(labels: ArrayLike<number>, categories: ArrayLike<string | null | undefined>): Coded {
  const clusterIds = new Map<number, number>();
  const categoryIds = new Map<string, number>();
  const kept: [number, number][] = [];
  for (let i = 0; i < labels.length; i++) {
    const category = categories[i];
    if (!category) continue;
    kept.push([idOf(clusterIds, labels[i]!), idOf(categoryIds, category)]);
  }
  const sizes = new Int32Array(clusterIds.size);
  for (const [c] of kept) sizes[c]!++;
  return { cluster: Int32Array.from(kept, ([c]) => c), category: Int32Array.from(kept, ([, g]) => g), clusters: clusterIds.size, categories: categoryIds.size, sizes };
}

/** Purity of one labelling; `counts` is scratch of clusters x categories. */
function purityOf(cluster: Int32Array, coded: Coded, counts: Int32Array): number {
  const { category, categories, clusters, sizes } = coded;
  counts.fill(0);
  for (let i = 0; i < cluster.length; i++) counts[cluster[i]! * categories + category[i]!]!++;
  let sum = 0;
  for (let c = 0; c < clusters; c++) {
    let top = 0;
    for (let g = c * categories, end = g + categories; g < end; g++) if (counts[g]! > top) top = counts[g]!;
    sum += top / sizes[c]!;
  }
  return sum / clusters;
}

/**
 * Purity and its permutation null for one clustering: `labels[i]` is photo i's cluster,
 * `categories[i]` its category (null or empty: none). Null when no photo has a category or
 * they all fall in one cluster (a single cluster is always as pure as any shuffle).
 */
export function categoryPurity(labels: ArrayLike<number>, categories: ArrayLike<string | null | undefined>, seed: number | string, draws = PURITY_DRAWS): ClusterSemantics | null {
  if (labels.length !== categories.length) throw new RangeError(`${labels.length} labels for ${categories.length} categories`);
  if (!Number.isInteger(draws) || draws < 1) throw new RangeError(`draws must be a positive integer, got ${draws}`);
  const coded = encode(labels, categories);
  const n = coded.cluster.length;
  if (n === 0 || coded.clusters < 2) return null;
  const counts = new Int32Array(coded.clusters * coded.categories);
  const purity = purityOf(coded.cluster, coded, counts);
  const random = createRandom(seed);
  const shuffled = coded.cluster.slice();
  const nulls = new Array<number>(draws);
  let atLeast = 0;
  for (let d = 0; d < draws; d++) {
    // Shuffling the previous draw again is as uniform as shuffling the original.
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = t;
    }
    const value = purityOf(shuffled, coded, counts);
    nulls[d] = value;
    if (value >= purity - TIE_TOLERANCE * purity) atLeast++;
  }
  return {
    purity,
    photos: n,
    draws,
    null_mean: nulls.reduce((s, v) => s + v, 0) / draws,
    null_p95: percentile(nulls, 95),
    p: (1 + atLeast) / (1 + draws),
  };
}

/**
 * Cluster names from category counts (each rule's branch, its boundaries, ties, the uniqueness
 * suffix) and category purity with its permutation null (against an exact enumeration by
 * scripts/reference/purity_reference.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideClusterName, nameCluster, rankCategories, uniqueClusterNames, wordClusterName } from '../pipeline/cluster/names.ts';
import { categoryPurity, PURITY_DRAWS } from '../pipeline/cluster/purity.ts';
import { createRandom } from '../pipeline/core/random.ts';

const counts = (o: Record<string, number>) => Object.entries(o);

test('too few members with a category, or none: "Cluster N"', () => {
  assert.deepEqual(decideClusterName([], 10), { kind: 'unlabelled' });
  assert.deepEqual(decideClusterName([], 0), { kind: 'unlabelled' });
  assert.deepEqual(decideClusterName(counts({ Shorts: 0 }), 10), { kind: 'unlabelled' });
  assert.equal(nameCluster(3, counts({ Shorts: 4 }), 9), 'Cluster 3', '4 of 9 labelled: under half');
  assert.equal(nameCluster(3, counts({ Shorts: 5 }), 10), 'Shorts', 'exactly half labelled is enough');
  assert.equal(nameCluster(7, [], 12), 'Cluster 7');
});

test('top share under a third: "Mixed"; exactly a third is not', () => {
  assert.equal(nameCluster(0, counts({ A: 3, B: 3, C: 3, D: 3 }), 12), 'Mixed');
  assert.equal(nameCluster(0, counts({ A: 32, B: 30, C: 30, D: 8 }), 100), 'Mixed', '0.32');
  // 3 of 9 is exactly 1/3: not mixed. The top two make 6/9 >= 1/2: a pair.
  assert.deepEqual(decideClusterName(counts({ A: 3, B: 3, C: 3 }), 9), { kind: 'pair', top: 'A', second: 'B' });
  // 1/3 exactly with a weak second: 3 + 1 of 9 < 1/2, so "A & others".
  assert.equal(nameCluster(0, counts({ A: 3, B: 1, C: 1, D: 1, E: 1, F: 1, G: 1 }), 9), 'A & others');
  assert.equal(nameCluster(0, counts({ A: 2, B: 2, C: 2, D: 1 }), 7), 'Mixed', '2/7 < 1/3');
});

test('top a majority and the second under a quarter: the top category alone', () => {
  assert.equal(nameCluster(0, counts({ Shorts: 10 }), 10), 'Shorts');
  assert.equal(nameCluster(0, counts({ Shorts: 7, Skirt: 2, Top: 1 }), 10), 'Shorts');
  // Exactly 1/2 on top, second just under 1/4 (24 of 100).
  assert.equal(nameCluster(0, counts({ Shorts: 50, Skirt: 24, Top: 26 }), 100), 'Shorts & Top', 'the second is Top (26)');
  assert.equal(nameCluster(0, counts({ Shorts: 50, Skirt: 24, Top: 13, Dress: 13 }), 100), 'Shorts', 'top exactly 1/2');
  // Second exactly 1/4: no longer alone, a pair.
  assert.equal(nameCluster(0, counts({ Shorts: 2, Skirt: 1, Top: 1 }), 4), 'Shorts & Skirt', 'second exactly 1/4');
  // Unlabelled members do not dilute the shares.
  assert.equal(nameCluster(0, counts({ Shorts: 8, Skirt: 2 }), 18), 'Shorts');
});

test('top two a majority: "Top & Second" (top first); below it: "Top & others"', () => {
  assert.equal(nameCluster(0, counts({ Skirt: 3, Shorts: 4, Top: 2, Dress: 1 }), 10), 'Shorts & Skirt');
  assert.equal(nameCluster(0, counts({ A: 60, B: 40 }), 100), 'A & B', 'top a majority but the second >= 1/4');
  // Top + second exactly 1/2 (4 + 2 of 12, top exactly 1/3).
  assert.equal(nameCluster(0, counts({ A: 4, B: 2, C: 2, D: 2, E: 2 }), 12), 'A & B');
  // Just under: 4 + 1 of 12.
  assert.deepEqual(decideClusterName(counts({ A: 4, B: 1, C: 1, D: 1, E: 1, F: 1, G: 1, H: 1, I: 1 }), 12), { kind: 'top_and_others', top: 'A' });
  assert.equal(nameCluster(0, counts({ A: 4, B: 1, C: 1, D: 1, E: 1, F: 1, G: 1, H: 1, I: 1 }), 12), 'A & others');
});

test('ties are broken by count, then by name, whatever the input order', () => {
  assert.deepEqual(rankCategories(counts({ b: 2, a: 2, c: 5, d: 0 })), [['c', 5], ['a', 2], ['b', 2]]);
  const forward = nameCluster(0, counts({ Skirt: 5, Shorts: 5 }), 10);
  const backward = nameCluster(0, counts({ Shorts: 5, Skirt: 5 }), 10);
  assert.equal(forward, 'Shorts & Skirt');
  assert.equal(backward, forward);
  // A tie for second: the name that sorts first wins.
  assert.equal(nameCluster(0, counts({ Top: 4, Skirt: 3, Dress: 3 }), 10), 'Top & Dress');
  // Code-unit order, not the locale's: uppercase before lowercase.
  assert.equal(nameCluster(0, counts({ b: 1, B: 1 }), 2), 'B & b');
});

test('each verdict has its wording; category text is kept verbatim', () => {
  assert.equal(wordClusterName({ kind: 'unlabelled' }, 4), 'Cluster 4');
  assert.equal(wordClusterName({ kind: 'mixed' }, 4), 'Mixed');
  assert.equal(wordClusterName({ kind: 'single', top: 'T-shirts & <tops>' }, 4), 'T-shirts & <tops>');
  assert.equal(wordClusterName({ kind: 'pair', top: 'Jeans', second: 'Röcke' }, 4), 'Jeans & Röcke');
  assert.equal(wordClusterName({ kind: 'top_and_others', top: '"Coats"' }, 4), '"Coats" & others');
});

test('repeated names get " (cluster N)", every one of them; unique names are left alone', () => {
  const names = uniqueClusterNames([
    { cluster: 0, name: 'Shorts' },
    { cluster: 2, name: 'Mixed' },
    { cluster: 3, name: 'Skirt' },
    { cluster: 5, name: 'Mixed' },
    { cluster: 6, name: 'Skirt' },
  ]);
  assert.deepEqual(names, ['Shorts', 'Mixed (cluster 2)', 'Skirt (cluster 3)', 'Mixed (cluster 5)', 'Skirt (cluster 6)']);
  assert.deepEqual(uniqueClusterNames([]), []);
  // A category whose own text reads like a suffixed name still ends up distinct.
  const tricky = uniqueClusterNames([
    { cluster: 2, name: 'Mixed' },
    { cluster: 4, name: 'Mixed (cluster 2)' },
    { cluster: 5, name: 'Mixed' },
  ]);
  assert.equal(new Set(tricky).size, 3, tricky.join(' | '));
  // A category named like an unnamed cluster.
  assert.deepEqual(uniqueClusterNames([{ cluster: 3, name: 'Cluster 3' }, { cluster: 1, name: 'Cluster 3' }]), ['Cluster 3 (cluster 3)', 'Cluster 3 (cluster 1)']);
});

// Exact values from scripts/reference/purity_reference.py (numpy and fractions; every one of the
// 11,550 distinct arrangements of the labels enumerated).
const reference = {
  labels: [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3],
  categories: ['Shorts', 'Shorts', 'Shorts', 'Skirt', null, 'Skirt', 'Skirt', 'Dress', 'Shorts', 'Dress', 'Dress', 'Top', null, null],
  purity: 23 / 36,
  photos: 11,
  null_mean: 0.5181818181818182,
  p_exact: 0.14857142857142858,
};

test('purity equals the reference; the seeded null approaches its exact permutation distribution', () => {
  const r = categoryPurity(reference.labels, reference.categories, 'reference', 20000)!;
  assert.ok(Math.abs(r.purity - reference.purity) < 1e-15, `${r.purity}`);
  assert.equal(r.photos, reference.photos);
  assert.equal(r.draws, 20000);
  // Monte Carlo error: the p's standard error is about 0.0025, the mean's well under 0.001.
  assert.ok(Math.abs(r.p - reference.p_exact) < 0.01, `p ${r.p} vs exact ${reference.p_exact}`);
  assert.ok(Math.abs(r.null_mean - reference.null_mean) < 0.003, `null mean ${r.null_mean} vs exact ${reference.null_mean}`);
  assert.ok(r.null_p95 >= r.null_mean && r.null_p95 <= 1);
});

/** `n` photos in `k` clusters; categories from `category(i, cluster)`. */
function synthetic(n: number, k: number, seed: number, category: (cluster: number, random: () => number) => string | null) {
  const random = createRandom(seed);
  const labels = Array.from({ length: n }, () => Math.floor(random() * k));
  return { labels, categories: labels.map((l) => category(l, random)) };
}

const GARMENTS = ['Dress', 'Jeans', 'Shorts', 'Skirt', 'Top'];

test('a clustering that is the category: purity 1, p = 1/1001, the null far below', () => {
  const { labels, categories } = synthetic(500, 5, 1, (c) => GARMENTS[c]!);
  const r = categoryPurity(labels, categories, 7)!;
  assert.equal(r.purity, 1);
  assert.equal(r.draws, PURITY_DRAWS);
  assert.equal(r.p, 1 / 1001);
  assert.ok(r.null_p95 < 0.4, `null p95 ${r.null_p95}`);
  assert.ok(r.null_mean < r.null_p95);
});

test('a clustering independent of the category: purity near the null mean, p far from 0', () => {
  // Labels by a seeded coin, categories drawn independently of them.
  const { labels, categories } = synthetic(4000, 2, 3, (_, random) => (random() < 0.1 ? null : GARMENTS[Math.floor(random() * 3)]!));
  const r = categoryPurity(labels, categories, 11)!;
  assert.ok(r.photos > 3400 && r.photos < 3800, `${r.photos}`);
  assert.ok(Math.abs(r.purity - r.null_mean) < 0.02, `purity ${r.purity}, null mean ${r.null_mean}`);
  assert.ok(r.p > 0.05, `p ${r.p}`);
  assert.ok(r.purity < 0.4, 'three even categories: about a third each');
});

test('seeded: the same seed repeats, another seed draws another null', () => {
  const { labels, categories } = synthetic(300, 4, 5, (c, random) => (random() < 0.6 ? GARMENTS[c]! : GARMENTS[Math.floor(random() * 5)]!));
  const a = categoryPurity(labels, categories, '0\u0000purity-clip')!;
  assert.deepEqual(categoryPurity(labels, categories, '0\u0000purity-clip'), a);
  const b = categoryPurity(labels, categories, '0\u0000purity-resnet')!;
  assert.equal(b.purity, a.purity);
  assert.notEqual(b.null_mean, a.null_mean);
});

test('no categories, or all of them in one cluster: no purity', () => {
  assert.equal(categoryPurity([0, 1, 1, 2], [null, null, '', undefined], 0), null);
  assert.equal(categoryPurity([], [], 0), null);
  assert.equal(categoryPurity([0, 1, 1, 2], [null, 'Top', 'Skirt', null], 0), null, 'only cluster 1 has categories');
  const r = categoryPurity([0, 1, 1, 2], [null, 'Top', 'Skirt', 'Top'], 0, 50)!;
  assert.equal(r.photos, 3);
  assert.equal(r.purity, (1 / 2 + 1) / 2, 'cluster 0 has no category and is left out of the mean');
  assert.throws(() => categoryPurity([0, 1], ['Top'], 0), RangeError);
  assert.throws(() => categoryPurity([0, 1], ['Top', 'Top'], 0, 0), RangeError);
});

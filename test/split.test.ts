import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoredListings, scoredSide, splitListings, type SplitOptions } from '../pipeline/data/split.ts';
import type { Listing } from '../pipeline/data/types.ts';
import { createRandom } from '../pipeline/core/random.ts';

function listings(n: number, seed: number, prefix = 'row'): Listing[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    line: i + 2,
    id: `${prefix}-${i}`,
    image: `${prefix}-${i}.jpg`,
    label: random() < 0.45 ? 'sold' : 'not_sold',
    group: `seller-${Math.floor(random() * n / 5)}`,
    sha256: `${prefix}${i}`,
    phash: '0',
    width: 10,
    height: 10,
    extra: {},
  }));
}

const options: SplitOptions = { seed: 7, validationFraction: 0.25, testFraction: 0.2, perClass: { train: 120, validation: 30, test: 0 } };
const ids = (rows: Listing[]) => rows.map((r) => r.id);

test('balanced within each side; no group straddles the split', () => {
  const rows = listings(600, 1);
  const split = splitListings(rows, [], options);
  for (const side of ['train', 'validation'] as const) {
    const sold = split[side].filter((r) => r.label === 'sold').length;
    assert.equal(sold * 2, split[side].length, `${side} is balanced`);
    assert.equal(sold, split.per_class[side]);
  }
  assert.equal(split.per_class.train, 120);
  const trainGroups = new Set(split.train.map((r) => r.group));
  assert.ok(split.validation.every((r) => !trainGroups.has(r.group)));
  // The side of a group is its own, not its rows': all rows of a group land on one side.
  const all = splitListings(rows, [], { ...options, perClass: { train: 1e9, validation: 1e9, test: 0 } });
  const side = new Map<string, string>();
  for (const s of ['train', 'validation'] as const) for (const r of all[s]) assert.notEqual(side.get(r.group) ?? s, s === 'train' ? 'validation' : 'train'), side.set(r.group, s);
});

test('the split depends on the set of rows, not their order, and on the seed', () => {
  const rows = listings(500, 2);
  const random = createRandom(99);
  const shuffled = rows.map((r) => [random(), r] as const).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  assert.deepEqual(ids(splitListings(shuffled, [], options).train), ids(splitListings(rows, [], options).train));
  assert.deepEqual(ids(splitListings(shuffled, [], options).validation), ids(splitListings(rows, [], options).validation));
  assert.notDeepEqual(ids(splitListings(rows, [], { ...options, seed: 8 }).train), ids(splitListings(rows, [], options).train));
});

test('appending rows never moves a row across the split and only displaces the highest-hash rows', () => {
  const rows = listings(500, 3);
  const before = splitListings(rows, [], options);
  const after = splitListings([...rows, ...listings(200, 4, 'new')], [], options);
  const sideBefore = new Map<string, string>([...before.train.map((r) => [r.id, 'train'] as const), ...before.validation.map((r) => [r.id, 'validation'] as const)]);
  for (const side of ['train', 'validation'] as const) {
    for (const r of after[side]) if (sideBefore.has(r.id)) assert.equal(sideBefore.get(r.id), side, `${r.id} moved`);
    for (const label of ['sold', 'not_sold'] as const) {
      const kept = before[side].filter((r) => r.label === label);
      const stillThere = kept.map((r) => after[side].some((a) => a.id === r.id));
      // Survivors form a prefix of the old order (lowest hashes first): only the tail is displaced.
      const firstGone = stillThere.indexOf(false);
      if (firstGone >= 0) assert.ok(stillThere.slice(firstGone).every((x) => !x), `${side}/${label}: a low-hash row was displaced`);
    }
  }
});

test('too few rows in a class: say so and stay balanced with what exists', () => {
  const rows = listings(200, 5);
  const split = splitListings(rows, [], { ...options, perClass: { train: 1000, validation: 1000, test: 0 } });
  assert.equal(split.warnings.length, 2);
  assert.match(split.warnings[0]!, /^train: 1000 rows per class were requested but .* has \d+; using \d+ per class \(still balanced\)$/);
  for (const side of ['train', 'validation'] as const) {
    assert.equal(split[side].filter((r) => r.label === 'sold').length, split[side].filter((r) => r.label === 'not_sold').length);
    assert.equal(split.per_class[side], Math.min(split.available[side].sold, split.available[side].not_sold));
  }
});

test('a validation photo that near-duplicates a training photo is dropped', () => {
  const rows = listings(300, 6);
  const base = splitListings(rows, [], { ...options, perClass: { train: 1e9, validation: 1e9, test: 0 } });
  const t = base.train[0]!;
  const v = base.validation[0]!;
  const pair = { line: v.line, id: v.id, of_line: t.line, of_id: t.id, distance: 2 };
  const split = splitListings(rows, [pair], { ...options, perClass: { train: 1e9, validation: 1e9, test: 0 } });
  assert.ok(!split.validation.some((r) => r.id === v.id));
  assert.ok(split.train.some((r) => r.id === t.id));
  assert.deepEqual(split.leaks_removed, [pair]);
});

test('a test set: balanced, no seller on two sides, duplicates leave the held-out side; without one nothing moves', () => {
  const rows = listings(900, 8);
  const withTest = splitListings(rows, [], { ...options, perClass: { train: 150, validation: 30, test: 30 } });
  const without = splitListings(rows, [], options);
  assert.equal(withTest.test.length, 60);
  assert.equal(withTest.test.filter((r) => r.label === 'sold').length, 30, 'balanced');
  const sides = ['train', 'validation', 'test'] as const;
  const groupSide = new Map<string, string>();
  for (const s of sides) for (const r of withTest[s]) {
    assert.equal(groupSide.get(r.group) ?? s, s, `seller ${r.group} on two sides`);
    groupSide.set(r.group, s);
  }
  // The validation side is drawn exactly as without a test set: its groups are the same.
  assert.deepEqual(withTest.validation.map((r) => r.id), without.validation.map((r) => r.id));
  assert.deepEqual(without.test, []);
  assert.equal(scoredSide(without), 'validation');
  assert.equal(scoredSide(withTest), 'test');
  assert.equal(scoredListings(withTest), withTest.test);
  assert.equal(scoredSide({ validation: [] }), 'validation', 'a split file without a test list');

  const all = splitListings(rows, [], { ...options, perClass: { train: 1e9, validation: 1e9, test: 1e9 } });
  const [t, v, h] = [all.train[0]!, all.validation[0]!, all.test[0]!];
  const pairs = [
    { line: h.line, id: h.id, of_line: t.line, of_id: t.id, distance: 1 },
    { line: v.line, id: v.id, of_line: all.test[1]!.line, of_id: all.test[1]!.id, distance: 1 },
  ];
  const split = splitListings(rows, pairs, { ...options, perClass: { train: 1e9, validation: 1e9, test: 1e9 } });
  assert.ok(!split.test.some((r) => r.id === h.id) && split.train.some((r) => r.id === t.id), 'train keeps its photo');
  assert.ok(!split.test.some((r) => r.id === all.test[1]!.id) && split.validation.some((r) => r.id === v.id), 'validation keeps its photo over test');
  assert.equal(split.leaks_removed.length, 2);
  assert.equal(split.leaks_removed[1]!.id, all.test[1]!.id, 'the removed photo is named first');
});

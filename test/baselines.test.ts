import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fitLogistic, predictProbability } from '../pipeline/baselines/logistic.ts';

const reference = JSON.parse(await readFile(new URL('./fixtures/reference/logistic-reference.json', import.meta.url), 'utf8'));

test('logistic regression equals scikit-learn (C = 1, standardised features)', () => {
  const model = fitLogistic(reference.x, reference.y);
  reference.coef.forEach((c: number, j: number) => assert.ok(Math.abs(model.weights[j]! - c) < 1e-5, `coef ${j}: ${model.weights[j]} vs ${c}`));
  assert.ok(Math.abs(model.intercept - reference.intercept) < 1e-5);
  reference.x.forEach((row: number[], i: number) => assert.ok(Math.abs(predictProbability(model, row) - reference.proba[i]) < 1e-5));
});

test("a training column constant up to rounding is scaled by 1, as scikit-learn's StandardScaler does", () => {
  const c = reference.constant as { x: number[][]; scale: number[]; coef: number[]; unseen: number[][]; proba: number[] };
  const model = fitLogistic(c.x, reference.y);
  c.scale.forEach((s, j) => assert.ok(Math.abs(model.scale[j]! - s) <= 1e-12 * s, `scale ${j}: ${model.scale[j]} vs ${s}`));
  assert.equal(model.scale[3], 1);
  assert.equal(model.scale[4], 1);
  // An unseen value of the constant column (another currency) moves the score as in scikit-learn.
  c.unseen.forEach((row, i) => assert.ok(Math.abs(predictProbability(model, row) - c.proba[i]!) < 1e-5, `row ${i}: ${predictProbability(model, row)} vs ${c.proba[i]}`));
});

test('metadata features: excluded columns stay out, the columns used are listed, a column that restates the outcome is flagged', async () => {
  const { metadataFeatures } = await import('../pipeline/baselines/metadata.ts');
  const listing = (i: number, sold: boolean) => ({ id: String(i), image: `${i}.jpg`, label: sold ? 'sold' : 'not_sold', category: i % 2 ? 'coat' : 'dress', price: 10 + i, extra: { status: sold ? 'gone' : 'listed', colour: ['red', 'blue', 'green'][i % 3]! } });
  const train = Array.from({ length: 40 }, (_, i) => listing(i, i % 4 < 2)) as never[];
  const labels = Array.from({ length: 40 }, (_, i) => (i % 4 < 2 ? 1 : 0));
  const all = metadataFeatures(train);
  assert.deepEqual(all.columns, ['category', 'price', 'colour', 'status']);
  assert.deepEqual(all.separating(labels), ['status']);
  const kept = metadataFeatures(train, ['status']);
  assert.ok(!kept.names.some((n) => n.startsWith('status')));
  assert.deepEqual(kept.separating(labels), []);
});

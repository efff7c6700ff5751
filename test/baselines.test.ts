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

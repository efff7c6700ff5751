/** The `_data` contract: schemas generated from pipeline/contracts.ts, checked before writing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { contractSchemas, schemasFile } from '../scripts/contract-schemas.ts';
import { assertContract, contractProblems } from '../pipeline/core/data-contract.ts';
import { DATA_FILE_TYPES } from '../pipeline/contracts.ts';

test('pipeline/contract-schemas.json is generated from the contract types', async () => {
  const committed = JSON.parse(await readFile(schemasFile, 'utf8'));
  assert.deepEqual(committed, await contractSchemas(), 'out of date: run npx tsx scripts/contract-schemas.ts');
  for (const type of new Set(Object.values(DATA_FILE_TYPES))) assert.ok(committed[type], `${type} has a schema`);
});

test('a _data file that does not match its type is refused, naming the file and the field', () => {
  const clip = { status: 'not_run', model: 'x', reason: 'offline', enable: 'go online', images: 0, dimensions: 0 };
  assert.deepEqual(contractProblems('clip', clip), []);
  assert.throws(() => assertContract('clip', { ...clip, status: 'maybe' }), /_data\/clip\.json does not match its contract \(ClipData.*\/status must be equal to one of the allowed values/);
  assert.throws(() => assertContract('clip', { ...clip, extra: 1 }), /must NOT have additional properties 'extra'/);
  const { images: _, ...missing } = clip;
  assert.throws(() => assertContract('clip', missing), /must have required property 'images'/);
  // A file with no contract (a test's own stage) is not checked.
  assert.deepEqual(contractProblems('my-own-stage', { anything: true }), []);
});

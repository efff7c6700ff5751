/** The `_data` contract: schemas generated from pipeline/contracts.ts, checked before writing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { contractSchemas, schemasFile } from '../scripts/contract-schemas.ts';
import { assertContract, contractProblems } from '../pipeline/core/data-contract.ts';
import { DATA_FILE_TYPES } from '../pipeline/contracts.ts';

const root = join(import.meta.dirname, '..');

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

/** The modules that define a stage, found by their `StageDefinition` export. */
function stageModules(): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        if (/: StageDefinition\b.*=|\): StageDefinition\b/.test(text)) found.push({ file: relative(root, path), text });
      }
    }
  };
  walk(join(root, 'pipeline'));
  return found.filter((m) => !m.file.endsWith('stages.ts') && !m.file.endsWith('graph.ts') && !m.file.endsWith('stage-context.ts'));
}

test("stage modules are named one way: <folder>/<stage name>-stage.ts (the folder's word may be left out)", () => {
  for (const { file, text } of stageModules()) {
    // A factory's stages (`cluster-${source}`) are named by the fixed part.
    const name = /\bname: [`']([^`'$]+)/.exec(text)?.[1]?.replace(/-$/, '');
    const match = /^pipeline\/([^/]+)\/(.+)-stage\.ts$/.exec(file);
    assert.ok(name && match && (match[2] === name || `${match[1]}-${match[2]}` === name), `${file} defines stage '${name}'`);
  }
});

test("no stage imports another stage's module, and every upstream file comes through the runner", () => {
  const modules = stageModules();
  assert.ok(modules.length >= 10, `found only ${modules.map((m) => m.file).join(', ')}`);
  const stageFiles = new Set(modules.map((m) => m.file.replace(/\.ts$/, '')));
  for (const { file, text } of modules) {
    for (const [, spec] of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = relative(root, join(root, dirname(file), spec!)).replace(/\.ts$/, '');
      assert.ok(!stageFiles.has(target), `${file} imports the stage module ${target}`);
    }
    // Reading a cache or _data file by a path the stage builds itself would bypass the
    // fingerprint: the readers take the runner's `ctx.path(...)`.
    for (const [, call, argument] of text.matchAll(/\b(readFile|readEmbeddings|ImageCache\.at|ImageCache\.open)\(([^)]*)/g)) {
      const variable = /^(\w+)!?(,|$)/.exec(argument!)?.[1];
      const handedOver = argument!.startsWith('ctx.path(') || (variable !== undefined && new RegExp(`const \\[${variable}\\] = ctx\\.inputs`).test(text));
      assert.ok(handedOver, `${file}: ${call}(${argument}) reads a file the runner did not hand over (ctx.path or ctx.inputs)`);
    }
    assert.doesNotMatch(text, /resolved\.data\b.*readFile|readFile.*resolved\.(data|cache)/, file);
  }
});

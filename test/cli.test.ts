import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));
const study = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('study --help lists the commands', () => {
  const result = study('--help');
  assert.equal(result.status, 0);
  assert.match(result.stdout, /build/);
  assert.match(result.stdout, /serve/);
});

test('study build --help shows its options', () => {
  const result = study('build', '--help');
  assert.equal(result.status, 0);
  assert.match(result.stdout, /--only STAGE/);
  assert.match(result.stdout, /--force/);
});

test('an unknown command or option exits non-zero with a message on stderr', () => {
  const unknown = study('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const option = study('build', '--colour');
  assert.equal(option.status, 2);
  assert.match(option.stderr, /--colour/);
});

test('a missing config file is named', () => {
  const result = study('build', '--config', 'no-such-config.json');
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no-such-config\.json: cannot read the configuration/);
});

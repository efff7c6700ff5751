import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { withoutMachinePaths } from '../pipeline/core/public-text.ts';

test('published text names no machine folder, and leaves look-alike names alone', () => {
  const root = '/srv/study';
  assert.equal(withoutMachinePaths('absolute path "/srv/study/data/a.jpg": refused', root), 'absolute path "data/a.jpg": refused');
  assert.equal(withoutMachinePaths('in /srv/study, not /srv/study2/x', root), 'in ., not /srv/study2/x');
  if (homedir().length > 1) assert.equal(withoutMachinePaths(`${homedir()}/.cache/hub and ${homedir()}`, root), '~/.cache/hub and ~');
});

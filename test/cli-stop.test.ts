/**
 * The command line's last words: one prefix per error, and a build stopped by SIGINT/SIGTERM
 * says so and that the next build resumes, exits 130/143 and leaves no run lock behind.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeSiteProject } from './helpers/site.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));

test('an unknown option is reported with one prefix', () => {
  const result = spawnSync(process.execPath, [bin, 'build', '--confg', 'x'], { encoding: 'utf8' });
  assert.equal(result.status, 2);
  const first = result.stderr.split('\n')[0]!;
  assert.match(first, /^study build: Unknown option '--confg'/);
  assert.doesNotMatch(result.stderr, /study build: study build:/);
  assert.match(result.stderr, /Usage: study build/);
});

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} during a build: one line that the next build resumes, exit ${code}, no lock left`, { timeout: 120_000 }, async () => {
    const project = await makeSiteProject();
    const { status, stderr } = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [bin, 'build', '--config', project.file, '--no-site'], { cwd: project.root });
      let err = '';
      let sent = false;
      child.stderr.on('data', (d) => {
        err += d;
        if (!sent && /\] dataset: running/.test(err)) (sent = true), child.kill(signal);
      });
      child.on('close', (status) => resolve({ status, stderr: err }));
    });
    assert.equal(status, code, stderr);
    const lines = stderr.split('\n').filter((l) => /stopped by/.test(l));
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0]!, new RegExp(`^study build: stopped by ${signal}; .*the next 'study build' resumes where this run left off$`));
    assert.equal(existsSync(join(project.resolved.cache, 'run.lock')), false, 'the lock went with the run');
  });
}

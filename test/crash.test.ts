/**
 * `study build` killed with SIGKILL at random moments, again and again, always completes when
 * run once more, never leaves a half-written output, and ends with the same _data, pictures
 * and weights as a build that was never interrupted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { makeSiteProject } from './helpers/site.ts';
import { buildOutputs, listFiles } from './helpers/outputs.ts';
import { createRandom } from '../pipeline/core/random.ts';
import type { LoadedConfig } from '../pipeline/core/config-types.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));
const config = { train: { epochs: 3, batch_size: 4, micro_batch: 4, patience: 10 } };

/**
 * Runs `study build --no-site`; kills it `killAfterMs` after the first stage starts running
 * (start-up is not interesting to kill) unless it ends first.
 */
function build(project: LoadedConfig, killAfterMs = Infinity): Promise<{ killed: boolean; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build', '--config', project.file, '--no-site']);
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    let started: number | undefined;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (started === undefined && /: running/.test(stderr)) started = performance.now();
      if (!timer && Number.isFinite(killAfterMs) && started !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = started === undefined ? 0 : performance.now() - started;
      if (signal === 'SIGKILL') resolve({ killed: true, stderr, ms });
      else if (code === 0) resolve({ killed: false, stderr, ms });
      else reject(new Error(`build failed (exit ${code}):\n${stderr}`));
    });
  });
}

/** Every output on disk is whole: JSON parses, pictures decode, stage records parse. */
async function assertWhole(project: LoadedConfig, when: string): Promise<void> {
  const files = [
    ...(await listFiles(project.resolved.data)),
    ...(await listFiles(project.resolved.assets)),
    ...(await listFiles(join(project.resolved.cache, 'stages'))),
  ].filter((path) => !/(^|\/)\.tmp-/.test(path));
  for (const path of files) {
    const ext = extname(path);
    if (ext === '.json') {
      const text = await readFile(path, 'utf8');
      assert.doesNotThrow(() => JSON.parse(text), `${path} is half-written ${when}`);
    } else if (['.png', '.jpg', '.jpeg', '.webp'].includes(ext)) {
      await assert.doesNotReject(sharp(path).raw().toBuffer(), `${path} does not decode ${when}`);
    }
  }
}

test('SIGKILL at random moments, many times: every run resumes, nothing is half-written, the end is as uninterrupted', { timeout: 600_000 }, async () => {
  // Both builds in one folder, so that even the fingerprints (which include paths) must agree.
  const project = await makeSiteProject(config);
  const uninterrupted = await build(project);
  const expected = await buildOutputs(project.root, project.resolved.data, project.resolved.assets);
  for (const dir of [project.resolved.data, project.resolved.assets, project.resolved.cache]) await rm(dir, { recursive: true, force: true });

  const random = createRandom(20261127);
  const kills: number[] = [];
  // Each kill lands within the first half of what an uninterrupted build's stages take (so
  // the test kills as often on a fast machine as on a slow one); completed stages and epochs
  // are kept, so the loop ends when a run finishes the remaining work before its kill time.
  const window = uninterrupted.ms / 2;
  for (let attempt = 0; attempt < 60; attempt++) {
    const at = Math.round(random() * window);
    const run = await build(project, at);
    if (!run.killed) break;
    kills.push(at);
    await assertWhole(project, `after a kill at ${at} ms`);
  }
  const last = await build(project);
  assert.equal(last.killed, false);
  assert.match(last.stderr, /\[cached\] report/, 'the run that outlived its kill time completed the pipeline');
  assert.ok(kills.length >= 3, `killed ${kills.length} times (at ${kills.join(', ')} ms)`);
  await assertWhole(project, 'at the end');
  assert.deepEqual(await buildOutputs(project.root, project.resolved.data, project.resolved.assets), expected, `killed at ${kills.join(', ')} ms`);
});

/**
 * `study build` killed with SIGKILL in the middle of training resumes from its last completed
 * epoch and ends with the same _data and model as an uninterrupted build.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSiteProject } from './helpers/site.ts';
import { buildOutputs } from './helpers/outputs.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));
const config = { train: { epochs: 4, batch_size: 4, micro_batch: 4, patience: 10 } };

test('SIGKILL during training: the next build resumes and ends exactly as an uninterrupted one', { timeout: 300_000 }, async () => {
  const straight = await makeSiteProject(config);
  const first = spawnSync(process.execPath, [bin, 'build', '--config', straight.file, '--no-site'], { encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);

  const killed = await makeSiteProject(config);
  const stderr = await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, [bin, 'build', '--config', killed.file, '--no-site']);
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (/epoch 2: train loss/.test(err)) child.kill('SIGKILL');
    });
    child.on('close', () => resolve(err));
  });
  assert.match(stderr, /epoch 2: train loss/);
  assert.doesNotMatch(stderr, /epoch 4: train loss/, 'killed before training finished');
  await assert.rejects(readFile(join(killed.root, '.cache/train/model.safetensors')), 'no model before training completes');

  const second = spawnSync(process.execPath, [bin, 'build', '--config', killed.file, '--no-site'], { encoding: 'utf8' });
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /resuming after epoch [12]/);
  assert.match(second.stderr, /\[cached\] dataset/);
  const a = await buildOutputs(straight.root, straight.resolved.data, straight.resolved.assets);
  const b = await buildOutputs(killed.root, killed.resolved.data, killed.resolved.assets);
  assert.ok(a.model === b.model, 'same final weights');
  assert.equal(JSON.parse(b['train.json']!).history.length, 4);
  assert.deepEqual(JSON.parse(b['train.json']!).history, JSON.parse(a['train.json']!).history);
  assert.deepEqual(JSON.parse(b['evaluate.json']!).report, JSON.parse(a['evaluate.json']!).report);
});

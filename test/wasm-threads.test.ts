/**
 * The threaded wasm build (the default, wasm-threads.ts) trains to exactly the weights the
 * single-threaded build does, and a finished command exits (its workers do not hold it open).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSiteProject } from './helpers/site.ts';
import { buildOutputs } from './helpers/outputs.ts';
import { makeTempDir } from './helpers/project.ts';

const bin = fileURLToPath(new URL('../bin/study.js', import.meta.url));
const config = { train: { epochs: 2, batch_size: 4, micro_batch: 4, patience: 10 }, model: { weights: 'none', blocks: [1, 1, 1, 1], width_per_group: 4, inference: 'tfjs' } };

test('training on 2 wasm threads equals training on 1, to the bit; the command exits', { timeout: 300_000 }, async () => {
  const runs = [];
  for (const threads of ['1', '2']) {
    const project = await makeSiteProject(config);
    const run = spawnSync(process.execPath, [bin, 'build', '--config', project.file, '--no-site'], { encoding: 'utf8', env: { ...process.env, STUDY_WASM_THREADS: threads }, timeout: 240_000 });
    assert.equal(run.status, 0, `STUDY_WASM_THREADS=${threads}: ${run.stderr}${run.error ?? ''}`);
    runs.push({ project, outputs: await buildOutputs(project.root, project.resolved.data, project.resolved.assets) });
  }
  const [one, two] = runs;
  assert.equal(two!.outputs.model, one!.outputs.model, 'same weights');
  const train = (r: typeof one) => JSON.parse(r!.outputs['train.json']!).history;
  assert.deepEqual(train(two), train(one));
  assert.deepEqual(JSON.parse(two!.outputs['evaluate.json']!).report, JSON.parse(one!.outputs['evaluate.json']!).report);
  const runJson = JSON.parse(await readFile(join(two!.project.resolved.data, 'run.json'), 'utf8'));
  assert.equal(runJson.backend, 'wasm');
});

test('STUDY_WASM_THREADS must be a whole number', async () => {
  const fixture = fileURLToPath(new URL('./fixtures/tiny-resnet/', import.meta.url));
  const dir = await makeTempDir();
  const input = join(dir, 'batch.json');
  await writeFile(input, JSON.stringify({ input_nchw: JSON.parse(await readFile(join(fixture, 'reference.json'), 'utf8')).cases[0].input_nchw }));
  const run = spawnSync(process.execPath, [bin, 'forward', '--weights', join(fixture, 'model.safetensors'), '--input', input, '--backend', 'wasm'], { encoding: 'utf8', env: { ...process.env, STUDY_WASM_THREADS: 'many' } });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /STUDY_WASM_THREADS must be a whole number of threads, got 'many'/);
});

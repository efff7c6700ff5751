import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runStages, orderStages } from '../pipeline/stages.ts';
import type { StageContext, StageDefinition } from '../pipeline/stage-types.ts';

/** A test stage's own _data file: outside the contracts, so written untyped. */
const writeTestData = (ctx: StageContext, name: string, value: object) => (ctx.writeData as unknown as (name: string, value: object) => Promise<void>)(name, value);
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { makeProject } from './helpers/project.ts';
import type { LoadedConfig } from '../pipeline/core/config-types.ts';

/**
 * A small graph:  source -> double -> summary,  and  preprocess-like `side` reading its own
 * config slice. Each stage counts its runs so the tests can see exactly what ran.
 */
function makeGraph(loaded: LoadedConfig) {
  const runs: string[] = [];
  const input = join(loaded.root, 'input.txt');
  const stages: StageDefinition[] = [
    {
      name: 'summary',
      version: 1,
      after: ['double'],
      run: async (ctx) => {
        runs.push('summary');
        const doubled = JSON.parse(await readFile(join(loaded.resolved.data, 'double.json'), 'utf8'));
        await writeTestData(ctx, 'summary', { total: doubled.values.reduce((a: number, b: number) => a + b, 0) });
      },
    },
    {
      name: 'source',
      version: 1,
      config: (c) => c.dataset.train_per_class,
      inputs: () => [input],
      run: async (ctx) => {
        runs.push('source');
        const numbers = (await readFile(input, 'utf8')).trim().split(/\s+/).map(Number);
        // Only the first `train_per_class` numbers are used: changing the rest leaves the output
        // byte-identical (a plain file, no `run` field), so downstream stays cached.
        const values = numbers.slice(0, ctx.config.dataset.train_per_class);
        await ctx.writeFile(join(loaded.resolved.data, 'source.json'), JSON.stringify({ values }));
      },
    },
    {
      name: 'double',
      version: 1,
      after: ['source'],
      run: async (ctx) => {
        runs.push('double');
        const source = JSON.parse(await readFile(join(loaded.resolved.data, 'source.json'), 'utf8'));
        await writeTestData(ctx, 'double', { values: source.values.map((v: number) => v * 2) });
      },
    },
    {
      name: 'side',
      version: 1,
      config: (c) => c.preprocess,
      run: async (ctx) => {
        runs.push('side');
        await writeTestData(ctx, 'side', { size: ctx.config.preprocess.size });
      },
    },
  ];
  return { stages, runs, input };
}

async function build(loaded: LoadedConfig, stages: StageDefinition[], options: { force?: boolean; only?: string } = {}) {
  return runStages(stages, loaded, { logger: createRecordingLogger(), ...options });
}

test('stages run in dependency order whatever order they are declared in', async () => {
  const loaded = await makeProject();
  const { stages } = makeGraph(loaded);
  assert.deepEqual(orderStages(stages).map((s) => s.name), ['source', 'double', 'summary', 'side']);
});

test('unchanged inputs run nothing; outputs carry schema and run', async () => {
  const loaded = await makeProject({ dataset: { train_per_class: 3 } });
  const { stages, runs, input } = makeGraph(loaded);
  await writeFile(input, '1 2 3 4 5');
  const first = await build(loaded, stages);
  assert.deepEqual(first.map((r) => r.status), ['ran', 'ran', 'ran', 'ran']);
  const summary = JSON.parse(await readFile(join(loaded.resolved.data, 'summary.json'), 'utf8'));
  assert.equal(summary.total, 12);
  assert.equal(summary.schema, 1);
  assert.equal(summary.run, first[2]!.fingerprint);

  runs.length = 0;
  const second = await build(loaded, stages);
  assert.deepEqual(runs, []);
  assert.deepEqual(second.map((r) => r.status), ['cached', 'cached', 'cached', 'cached']);
  assert.deepEqual(second.map((r) => r.fingerprint), first.map((r) => r.fingerprint));
});

test('a config slice change re-runs exactly the stages that read it', async () => {
  const loaded = await makeProject({ dataset: { train_per_class: 3 } });
  const { stages, runs, input } = makeGraph(loaded);
  await writeFile(input, '1 2 3 4 5');
  await build(loaded, stages);

  runs.length = 0;
  loaded.config.preprocess.size = 64;
  await build(loaded, stages);
  assert.deepEqual(runs, ['side']);

  runs.length = 0;
  loaded.config.dataset.train_per_class = 4;
  await build(loaded, stages);
  assert.deepEqual(runs, ['source', 'double', 'summary']);
  const summary = JSON.parse(await readFile(join(loaded.resolved.data, 'summary.json'), 'utf8'));
  assert.equal(summary.total, 20);
});

test('an upstream re-run re-runs downstream only when its outputs changed', async () => {
  const loaded = await makeProject({ dataset: { train_per_class: 3 } });
  const { stages, runs, input } = makeGraph(loaded);
  await writeFile(input, '1 2 3 4 5');
  await build(loaded, stages);

  // The input changes where `source` does not read it: source re-runs, its output is equal.
  runs.length = 0;
  await writeFile(input, '1 2 3 9 9');
  await build(loaded, stages);
  assert.deepEqual(runs, ['source']);

  // Now the used part changes: everything downstream of source re-runs, `side` does not.
  runs.length = 0;
  await writeFile(input, '7 2 3 9 9');
  await build(loaded, stages);
  assert.deepEqual(runs, ['source', 'double', 'summary']);
});

test('a deleted or edited output makes its stage run again', async () => {
  const loaded = await makeProject({ dataset: { train_per_class: 3 } });
  const { stages, runs, input } = makeGraph(loaded);
  await writeFile(input, '1 2 3');
  await build(loaded, stages);
  runs.length = 0;
  await writeFile(join(loaded.resolved.data, 'double.json'), '{"values": [0]}');
  await build(loaded, stages);
  assert.deepEqual(runs, ['double']);
});

test('--force re-runs everything; --only runs one stage', async () => {
  const loaded = await makeProject({ dataset: { train_per_class: 3 } });
  const { stages, runs, input } = makeGraph(loaded);
  await writeFile(input, '1 2 3');
  await build(loaded, stages);
  runs.length = 0;
  await build(loaded, stages, { force: true });
  assert.deepEqual(runs.sort(), ['double', 'side', 'source', 'summary']);
  runs.length = 0;
  await build(loaded, stages, { only: 'double', force: true });
  assert.deepEqual(runs, ['double']);
  runs.length = 0;
  loaded.config.dataset.train_per_class = 2;
  const reports = await build(loaded, stages, { only: 'side' });
  assert.deepEqual(runs, []);
  assert.equal(reports.find((r) => r.name === 'source')!.status, 'skipped');
  await assert.rejects(build(loaded, stages, { only: 'nope' }), /no stage named 'nope'/);
});

test('--only on a fresh project runs the stages it needs and leaves the rest untouched', async () => {
  const loaded = await makeProject({ dataset: { train_per_class: 3 } });
  const { stages, runs, input } = makeGraph(loaded);
  await writeFile(input, '1 2 3');
  const reports = await build(loaded, stages, { only: 'double' });
  assert.deepEqual(runs, ['source', 'double'], 'its missing upstream ran first');
  const status = Object.fromEntries(reports.map((r) => [r.name, r.status]));
  assert.equal(status.double, 'ran');
  for (const name of stages.map((s) => s.name).filter((n) => n !== 'double' && n !== 'source')) assert.equal(status[name], 'skipped', `${name} was not asked for`);
  // With the upstream's outputs in place, --only runs just the stage (a stale upstream serves as it is).
  runs.length = 0;
  await writeFile(input, '4 5 6');
  await build(loaded, stages, { only: 'double', force: true });
  assert.deepEqual(runs, ['double']);
});

test('a stage that fails leaves the previous outputs intact and no temporary files', async () => {
  const loaded = await makeProject({ dataset: { train_per_class: 3 } });
  const { stages, input } = makeGraph(loaded);
  await writeFile(input, '1 2 3');
  await build(loaded, stages);
  const before = await readFile(join(loaded.resolved.data, 'source.json'), 'utf8');
  const failing = stages.map((s) =>
    s.name !== 'source'
      ? s
      : { ...s, run: async (ctx: Parameters<StageDefinition['run']>[0]) => {
          await writeTestData(ctx, 'source', { values: [666] });
          throw new Error('disk full');
        } },
  );
  await writeFile(input, '4 5 6');
  await assert.rejects(build(loaded, failing), /disk full/);
  assert.equal(await readFile(join(loaded.resolved.data, 'source.json'), 'utf8'), before);
  assert.deepEqual((await readdir(loaded.resolved.data)).filter((n) => n.startsWith('.tmp-')), []);
});

test('SIGKILL while a stage writes leaves the previous output intact; the next run completes', async () => {
  const loaded = await makeProject();
  const script = join(loaded.root, 'killable.mts');
  const runner = new URL('../pipeline/stages.ts', import.meta.url).pathname;
  const config = new URL('../pipeline/core/config.ts', import.meta.url).pathname;
  const effects = new URL('../pipeline/core/effects.ts', import.meta.url).pathname;
  // The stage streams a 4 MB output slowly; the parent kills the process half way.
  await writeFile(
    script,
    `import { createWriteStream } from 'node:fs';
import { runStages } from ${JSON.stringify(runner)};
import { resolveConfig, validateConfig } from ${JSON.stringify(config)};
import { createRecordingLogger } from ${JSON.stringify(effects)};
const loaded = resolveConfig(await validateConfig({}), ${JSON.stringify(join(loaded.root, 'study.config.json'))});
const fill = process.argv[2];
const slow = process.argv[3] === 'slow';
await runStages([{ name: 'big', version: 1, config: () => fill, run: async (ctx) => {
  const out = createWriteStream(ctx.outputPath('_data/big.txt'));
  for (let i = 0; i < 64; i++) {
    out.write(fill.repeat(65536));
    if (i === 8) console.log('writing');
    if (slow) await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => out.end(r));
}}], loaded, { logger: createRecordingLogger() });
console.log('finished');
`,
  );
  const runScript = (fill: string, slow: boolean, killOnWriting: boolean) =>
    new Promise<string>((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, fill, slow ? 'slow' : 'fast'], { cwd: process.cwd() });
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.stdout.on('data', (d) => {
        out += d;
        if (killOnWriting && out.includes('writing')) child.kill('SIGKILL');
      });
      child.on('error', reject);
      child.on('close', (code, signal) => (signal || code === 0 ? resolvePromise(out) : reject(new Error(`exit ${code}: ${err}`))));
    });
  assert.match(await runScript('a', false, false), /finished/);
  const path = join(loaded.root, '_data/big.txt');
  const complete = 'a'.repeat(65536 * 64);
  assert.equal(await readFile(path, 'utf8'), complete);
  assert.doesNotMatch(await runScript('b', true, true), /finished/);
  assert.equal(await readFile(path, 'utf8'), complete, 'the killed run must not touch the previous output');
  assert.match(await runScript('b', false, false), /finished/);
  assert.equal(await readFile(path, 'utf8'), 'b'.repeat(65536 * 64));
});

test('a stage cannot write outside the project folder', async () => {
  const loaded = await makeProject();
  const escaping: StageDefinition = { name: 'escape', version: 1, run: (ctx) => ctx.writeFile(join(loaded.root, '..', 'escaped.txt'), 'x') };
  await assert.rejects(build(loaded, [escaping]), /stage 'escape' tried to write .*escaped\.txt, outside the project folder/);
  const absolute: StageDefinition = { name: 'absolute', version: 1, run: (ctx) => ctx.writeFile('/tmp/escaped.txt', 'x') };
  await assert.rejects(build(loaded, [absolute]), /outside the project folder/);
});

test('an output the previous run wrote and this run did not is removed', async () => {
  const loaded = await makeProject();
  let write = true;
  const stage: StageDefinition = {
    name: 'optional',
    version: 1,
    config: () => write,
    run: async (ctx) => {
      await writeTestData(ctx, 'always', { ok: true });
      if (write) await writeTestData(ctx, 'sometimes', { ok: true });
    },
  };
  await build(loaded, [stage]);
  assert.ok((await readdir(loaded.resolved.data)).includes('sometimes.json'));
  write = false;
  await build(loaded, [stage]);
  assert.deepEqual((await readdir(loaded.resolved.data)).filter((n) => n.endsWith('.json')).sort(), ['always.json']);
});

test('one run per project at a time; a lock left by a killed run is taken over; its temporaries are swept', async () => {
  const loaded = await makeProject();
  let release!: () => void;
  const blocking: StageDefinition = { name: 'slow', version: 1, run: () => new Promise<void>((r) => (release = r)) };
  const first = build(loaded, [blocking]);
  await new Promise((r) => setTimeout(r, 100));
  const quick: StageDefinition = { name: 'quick', version: 1, run: (ctx) => writeTestData(ctx, 'quick', {}) };
  await assert.rejects(build(loaded, [quick]), /another study run \(pid \d+\) is working in this project/);
  release();
  await first;

  // A dead process's lock and the temporaries it left at any depth of the output folders.
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => dead.on('close', r));
  await writeFile(join(loaded.resolved.cache, 'run.lock'), String(dead.pid));
  for (const dir of [join(loaded.resolved.assets, 'clusters'), loaded.resolved.data]) await mkdir(dir, { recursive: true });
  const leftovers = [join(loaded.resolved.assets, 'clusters/.tmp-a.jpg-1-ab'), join(loaded.resolved.data, '.tmp-b.json-1-cd'), join(loaded.resolved.cache, '.tmp-c-1-ef')];
  for (const path of leftovers) await writeFile(path, 'partial');
  await build(loaded, [quick]);
  for (const path of leftovers) await assert.rejects(readFile(path), `${path} swept`);
  await assert.rejects(readFile(join(loaded.resolved.cache, 'run.lock')), 'lock released');
});

test('an input the stage brings into being (a download) is recorded as it ended; one that appears later re-runs the stage', async () => {
  let runs = 0;
  let online = true;
  const fitStage = (weights: string): StageDefinition => ({
    name: 'fit',
    version: 1,
    inputs: () => [weights],
    run: async (ctx) => {
      runs++;
      // Like the ImageNet download: fetched into the cache when online, else a fallback.
      let used = 'random';
      if (online) {
        await mkdir(join(weights, '..'), { recursive: true });
        await writeFile(weights, 'pretrained');
        used = 'pretrained';
      } else {
        try {
          used = await readFile(weights, 'utf8');
        } catch {
          // offline without a copy
        }
      }
      await writeTestData(ctx, 'fit', { used });
    },
  });
  const loaded = await makeProject();
  const stage = fitStage(join(loaded.resolved.cache, 'models', 'weights.bin'));
  const used = async () => JSON.parse(await readFile(join(loaded.resolved.data, 'fit.json'), 'utf8')).used;
  await build(loaded, [stage]);
  assert.equal(await used(), 'pretrained');
  await build(loaded, [stage]);
  assert.equal(runs, 1, 'the downloaded file does not make the next build run again');

  // Offline with no copy: the fallback; once a copy lands in the cache, the stage runs again.
  const offline = await makeProject();
  const other = fitStage(join(offline.resolved.cache, 'models', 'weights.bin'));
  online = false;
  runs = 0;
  await build(offline, [other]);
  assert.equal(JSON.parse(await readFile(join(offline.resolved.data, 'fit.json'), 'utf8')).used, 'random');
  await mkdir(join(offline.resolved.cache, 'models'), { recursive: true });
  await writeFile(join(offline.resolved.cache, 'models', 'weights.bin'), 'pretrained');
  await build(offline, [other]);
  assert.equal(runs, 2);
});

test('the train stage fingerprints the starting weights it would read', async () => {
  const { trainStage } = await import('../pipeline/model/train-stage.ts');
  const loaded = await makeProject({ model: { weights: 'weights/start.safetensors' } });
  assert.deepEqual(trainStage.inputs!(loaded), [join(loaded.root, 'weights/start.safetensors')]);
  const imagenet = await makeProject({ model: { weights: 'imagenet' } });
  const files = trainStage.inputs!(imagenet);
  assert.equal(files.length, 2);
  assert.ok(files[0]!.startsWith(imagenet.resolved.cache) && files.every((f) => f.endsWith('model.safetensors')));
  assert.deepEqual(trainStage.inputs!(await makeProject({ model: { weights: 'none' } })), []);
});

test('strictConfig: a stage reading a setting outside its declared slice fails, naming the key', async () => {
  const loaded = await makeProject();
  const stage = (read: (c: LoadedConfig['config']) => unknown, tuning?: string[]): StageDefinition => ({
    name: 'reader',
    version: 1,
    config: (c) => ({ size: c.preprocess.size, dataset: c.dataset }),
    tuning,
    run: async (ctx) => {
      read(ctx.config);
      await writeTestData(ctx, 'reader', {});
    },
  });
  const strict = (s: StageDefinition) => runStages([s], loaded, { logger: createRecordingLogger(), strictConfig: true, force: true });
  await strict(stage((c) => [c.preprocess.size, c.dataset.columns.group, c.dataset.max_pixels]));
  await assert.rejects(strict(stage((c) => c.preprocess.fit)), /stage 'reader' read preprocess\.fit, outside its declared configuration slice/);
  await assert.rejects(strict(stage((c) => c.seed)), /read seed, outside/);
  await strict(stage((c) => c.preprocess.concurrency, ['preprocess.concurrency']));
});

test("a stage reads another stage's file through the runner, and only from a stage it runs after", async () => {
  const loaded = await makeProject();
  const { stageFile } = await import('../pipeline/stage-files.ts');
  const writer: StageDefinition = {
    name: 'dataset',
    version: 1,
    run: async (ctx) => ctx.writeFile(stageFile('split', loaded.resolved), JSON.stringify({ schema: 1, run: ctx.fingerprint, train: [], validation: [{ id: 'a' }] })),
  };
  let seen: unknown;
  const reader = (after: string[]): StageDefinition => ({
    name: 'reader',
    version: 1,
    after,
    run: async (ctx) => {
      seen = (await ctx.read('split')).validation.map((l) => l.id);
    },
  });
  await runStages([writer, reader(['dataset'])], loaded, { logger: createRecordingLogger() });
  assert.deepEqual(seen, ['a']);
  await assert.rejects(runStages([writer, reader([])], loaded, { logger: createRecordingLogger(), force: true }), /stage 'reader' reads split, written by 'dataset', without running after it/);
});

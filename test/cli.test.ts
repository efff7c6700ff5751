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

test('study build twice: the second run runs no stage; a Markdown edit re-renders without a stage', async () => {
  const { makeSiteProject } = await import('./helpers/site.ts');
  const { readFile, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const loaded = await makeSiteProject({ dataset: { simulated_labels: true } });
  const build = () => spawnSync(process.execPath, [bin, 'build', '--config', loaded.file, '--json'], { encoding: 'utf8', cwd: loaded.root });
  const first = build();
  assert.equal(first.status, 0, first.stderr);
  const firstJson = JSON.parse(first.stdout);
  assert.ok(firstJson.stages.every((s: { status: string }) => s.status === 'ran'));
  assert.ok(firstJson.site.pages >= 3);
  // The Methods page's stage table: name, status, seconds, date made, fingerprint.
  const stageRows = async () => {
    const html = await readFile(join(loaded.resolved.site, 'methods/index.html'), 'utf8');
    const rows = [...html.matchAll(/<tr>\s*<td>([a-z-]+)<\/td>\s*<td>([^<]+)<\/td>\s*<td>([^<]+)<\/td>\s*<td>([^<]+)<\/td>\s*<td>([^<]+)<\/td>/g)].map((m) => m.slice(1));
    // The flow comes from pipeline/graph.ts: each stage beside the stages it reads.
    assert.equal(rows.find((r) => r[0] === 'baselines')?.[1], 'dataset, evaluate, embed-clip');
    return rows.map(([name, , status, seconds, made]) => [name, status, seconds, made]);
  };
  const before = await stageRows();
  assert.equal(before.length, firstJson.stages.length);
  assert.ok(before.every(([, status, seconds, made]) => status === 'ran' && Number(seconds) >= 0 && /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(made!)));
  assert.ok(before.some(([, , seconds]) => Number(seconds) > 0), 'some stage took measurable time');

  const page = join(loaded.resolved.content, 'index.md');
  await writeFile(page, (await readFile(page, 'utf8')).replace('>The question</h2>', '>The question (edited)</h2>'));
  const second = build();
  assert.equal(second.status, 0, second.stderr);
  const secondJson = JSON.parse(second.stdout);
  assert.deepEqual(secondJson.stages.map((s: { status: string }) => s.status), firstJson.stages.map(() => 'cached'));
  assert.match(await readFile(join(loaded.resolved.site, 'index.html'), 'utf8'), /The question \(edited\)/);
  // A cached stage shows the seconds and date of the run that made its outputs, marked as such.
  const after = await stageRows();
  assert.deepEqual(after.map(([name, , seconds, made]) => [name, seconds, made]), before.map(([name, , seconds, made]) => [name, seconds, made]));
  assert.ok(after.every(([, status]) => status === 'cached (earlier run)'));
  const run = JSON.parse(await readFile(join(loaded.resolved.data, 'run.json'), 'utf8'));
  assert.deepEqual(run.stages.map((s: { name: string }) => s.name), ['dataset', 'preprocess', 'train', 'evaluate', 'gradcam', 'embed-resnet', 'cluster-resnet', 'embed-clip', 'cluster-clip', 'baselines', 'findings', 'report']);
  assert.equal(run.backend, 'wasm');
  assert.equal(run.seed, 0);
});

test('two clean builds with the same seed write identical _data (run.json aside)', async () => {
  const { makeSiteProject } = await import('./helpers/site.ts');
  const { readdir, readFile, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const loaded = await makeSiteProject();
  const outputs: Record<string, string>[] = [];
  for (let i = 0; i < 2; i++) {
    // A clean run: no cache, no earlier outputs.
    await rm(loaded.resolved.cache, { recursive: true, force: true });
    await rm(loaded.resolved.data, { recursive: true, force: true });
    const result = spawnSync(process.execPath, [bin, 'build', '--config', loaded.file, '--no-site'], { encoding: 'utf8', cwd: loaded.root });
    assert.equal(result.status, 0, result.stderr);
    const files: Record<string, string> = {};
    for (const name of (await readdir(loaded.resolved.data)).filter((n) => n !== 'run.json')) files[name] = await readFile(join(loaded.resolved.data, name), 'utf8');
    outputs.push(files);
  }
  assert.deepEqual(Object.keys(outputs[0]!).sort(), ['baselines.json', 'clip.json', 'clusters_clip.json', 'clusters_resnet.json', 'dataset.json', 'evaluate.json', 'findings.json', 'gradcam.json', 'preprocess.json', 'report.json', 'train.json']);
  assert.deepEqual(outputs[0], outputs[1]);
});

test('study forward prints logits and penultimate features equal to PyTorch', async () => {
  const { readFile, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { makeTempDir } = await import('./helpers/project.ts');
  const { assertArrayClose, flat } = await import('./helpers/tolerance.ts');
  const fixture = fileURLToPath(new URL('./fixtures/tiny-resnet/', import.meta.url));
  const reference = JSON.parse(await readFile(join(fixture, 'reference.json'), 'utf8'));
  const dir = await makeTempDir();
  const input = join(dir, 'case.json');
  await writeFile(input, JSON.stringify({ input_nchw: reference.cases[2].input_nchw }));
  const result = spawnSync(process.execPath, [bin, 'forward', '--weights', join(fixture, 'model.safetensors'), '--input', input, '--json'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assertArrayClose(flat(out.logits), flat(reference.cases[2].logits), 'logits');
  assertArrayClose(flat(out.penultimate), flat(reference.cases[2].penultimate), 'penultimate');
  const bad = spawnSync(process.execPath, [bin, 'forward', '--weights', join(dir, 'none.safetensors'), '--input', input, '--json'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /none\.safetensors: cannot read the weights/);
});

test('study evaluate reads y_true/y_score CSVs and prints the contract; bad rows name their line', async () => {
  const { readFile, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { makeTempDir } = await import('./helpers/project.ts');
  const reference = JSON.parse(await readFile(new URL('./fixtures/reference/evaluate-reference.json', import.meta.url), 'utf8')).cases[0];
  const dir = await makeTempDir();
  const csv = join(dir, 'p.csv');
  await writeFile(csv, ['y_true,y_score', ...reference.y_true.map((t: number, i: number) => `${t},${reference.y_score[i]}`)].join('\n'));
  const result = spawnSync(process.execPath, [bin, 'evaluate', '--predictions', csv, '--json'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(out), ['report', 'confusion_matrix', 'roc_auc', 'roc', 'ci95']);
  assert.deepEqual(out.confusion_matrix, reference.confusion_matrix);
  assert.ok(Math.abs(out.roc_auc - reference.roc_auc) < 1e-12);
  assert.ok(Math.abs(out.report['macro avg']['f1-score'] - reference.report['macro avg']['f1-score']) < 1e-12);
  await writeFile(csv, 'y_true,y_score\n1,0.4\nmaybe,0.3\n');
  const bad = spawnSync(process.execPath, [bin, 'evaluate', '--predictions', csv, '--json'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /p\.csv:3: y_true is "maybe"/);
});

test('study predict scores photos with a single-logit model; a broken photo is named', async () => {
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { makeTempDir } = await import('./helpers/project.ts');
  const { jpeg } = await import('./helpers/images.ts');
  const weights = fileURLToPath(new URL('./fixtures/tiny-resnet/model.safetensors', import.meta.url));
  const dir = await makeTempDir();
  await writeFile(join(dir, 'a.jpg'), await jpeg(90, 120, 1));
  await writeFile(join(dir, 'b.jpg'), await jpeg(120, 90, 2));
  const run = spawnSync(process.execPath, [bin, 'predict', '--weights', weights, '--images', join(dir, 'a.jpg'), join(dir, 'b.jpg'), '--size', '64', '--json'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { predictions } = JSON.parse(run.stdout);
  assert.equal(predictions.length, 2);
  for (const p of predictions) {
    assert.ok(p.score > 0 && p.score < 1);
    assert.equal(p.label, p.score >= 0.5 ? 'sold' : 'not_sold');
  }
  await writeFile(join(dir, 'broken.jpg'), 'not a photo');
  const bad = spawnSync(process.execPath, [bin, 'predict', '--weights', weights, '--images', join(dir, 'broken.jpg'), '--json'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /broken\.jpg: cannot be read as an image/);
});

test('numeric options are checked where they are parsed: exit 2, the option and the value named', () => {
  const fixture = fileURLToPath(new URL('./fixtures/tiny-resnet/model.safetensors', import.meta.url));
  const cases: [string[], RegExp][] = [
    [['predict', '--weights', fixture, '--images', 'x.jpg', '--size', 'abc'], /--size must be an integer from 16 to 1024, got 'abc'/],
    [['gradcam', '--weights', fixture, '--input', 'x.jpg', '--size', '12.5'], /--size must be an integer from 16 to 1024, got '12\.5'/],
    [['serve', '--port', 'abc'], /--port must be an integer from 1 to 65535, got 'abc'/],
    [['tsne', '--input', 'x.json', '--perplexity', '0'], /--perplexity must be a number > 0, got '0'/],
    [['evaluate', '--predictions', 'x.csv', '--threshold', 'NaN'], /--threshold must be a number, got 'NaN'/],
    [['gradcam', '--weights', fixture, '--input', 'x.jpg', '--target', 'maybe'], /--target must be sold or not_sold, got 'maybe'/],
  ];
  for (const [args, message] of cases) {
    const result = study(...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});

test('a template error is said once, with its real line and no stack trace; --debug adds the stack', async () => {
  const { makeTempDir } = await import('./helpers/project.ts');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const root = await makeTempDir('study-cli-template-');
  await mkdir(join(root, 'content'));
  await writeFile(join(root, 'content', 'a.md'), '---\ntitle: A\nlayout: false\n---\nline 5\n{% if x %}\n');
  await writeFile(join(root, 'study.config.json'), '{}');
  const run = (...extra: string[]) => spawnSync(process.execPath, [bin, 'build', '--no-pipeline', ...extra], { cwd: root, encoding: 'utf8' });
  const plain = run();
  assert.equal(plain.status, 1);
  assert.match(plain.stderr, /^study build: site build failed: content\/a\.md, line 6, column 1: tag \{% if x %\} not closed$/m);
  assert.doesNotMatch(plain.stderr, /^\s+at |stack trace|Original error/m, plain.stderr);
  assert.equal(plain.stderr.match(/not closed/g)?.length, 1, plain.stderr);
  const debug = run('--debug');
  assert.equal(debug.status, 1);
  assert.match(debug.stderr, /^\s+at .*liquid|^\s+at .*eleventy/im);
});

test('npm and npx calls in the project print no npm warning (no unknown project config)', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync('npm', ['config', 'list'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /npm warn/i, result.stderr);
});

/**
 * Issue 24: "did you mean" for misspelt config keys; a config kept beside its data, outside the
 * project, builds into the project with its inputs resolved against its own folder; template
 * errors name the file and its real line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assertStudyPaths, resolveConfig, validateConfig } from '../pipeline/core/config.ts';
import { runStages } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { buildSite } from '../pipeline/site/build.ts';
import { frontMatterLines } from '../pipeline/site/template-errors.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import { makeTempDir } from './helpers/project.ts';
import { makeBadCorpus, toCsv } from './helpers/bad-corpus.ts';
import { repoRoot } from './helpers/site.ts';

test('a misspelt key gets the closest known key at its level; every error is still collected', async () => {
  await assert.rejects(validateConfig({ dataset: { colums: { id: 'x' } }, model: { weigths: 'none' }, sed: 1, preprocess: { size: 'big' }, colour: 'red' }), (error: Error) => {
    assert.match(error.message, /unknown key 'dataset\.colums'; did you mean 'dataset\.columns'\?/);
    assert.match(error.message, /unknown key 'model\.weigths'; did you mean 'model\.weights'\?/);
    assert.match(error.message, /unknown key 'sed'; did you mean 'seed'\?/);
    assert.match(error.message, /'preprocess\.size' must be integer/);
    // Nothing close: the keys that level takes.
    assert.match(error.message, /unknown key 'colour'; the keys here are \$schema, title, seed, paths, /);
    return true;
  });
});

/** A project holding content/, and a data folder beside it holding the config, manifest and photos. */
async function projectAndDataFolder() {
  const top = await makeTempDir('study-outside-');
  const project = join(top, 'project');
  const data = join(top, 'data', 'shop');
  await mkdir(project, { recursive: true });
  await cp(join(repoRoot, 'content'), join(project, 'content'), { recursive: true });
  const corpus = await makeBadCorpus(data, 30);
  await writeFile(join(data, 'manifest.csv'), toCsv(corpus.rows, ['id', 'image', 'sold', 'group', 'title', 'category']));
  const raw = {
    dataset: { manifest: 'manifest.csv', images: 'images', columns: { group: 'group' }, train_per_class: 10, validation_per_class: 5, validation_fraction: 0.3 },
    preprocess: { size: 32 },
    model: { weights: 'none', blocks: [1, 1, 1, 1], width_per_group: 4 },
    train: { epochs: 1, batch_size: 8, micro_batch: 8 },
    clip: { model: join(repoRoot, 'test/fixtures/tiny-clip/model') },
  };
  const file = join(data, 'study.json');
  await writeFile(file, JSON.stringify(raw));
  return { top, project, data, file, raw };
}

test('paths are checked before the first stage: each missing one named with the path tried, nothing written', async () => {
  const { project, data, file, raw } = await projectAndDataFolder();
  const wrong = await validateConfig({ ...raw, dataset: { ...raw.dataset, manifest: 'listings.csv', images: 'photos' }, model: { ...raw.model, weights: './resnet.safetensors' } });
  // Run from a folder that is no project: the config's folder is the project, and has no content.
  const loaded = resolveConfig(wrong, file, { cwd: data });
  assert.equal(loaded.root, data);
  // `study build` runs this check before the first stage.
  assert.throws(() => assertStudyPaths(loaded, { content: false }), (error: Error) => {
    assert.match(error.message, /study\.json/);
    assert.ok(error.message.includes(`dataset.manifest is 'listings.csv', but there is no file at ${join(data, 'listings.csv')} (relative paths of inputs resolve against the configuration's folder, ${data})`), error.message);
    assert.ok(error.message.includes(`dataset.images is 'photos', but there is no folder at ${join(data, 'photos')}`));
    assert.ok(error.message.includes(`model.weights is './resnet.safetensors', but there is no file at ${join(data, 'resnet.safetensors')}`));
    return true;
  });
  // The content folder is checked by `study build` before the first stage when it builds the site.
  assert.throws(() => assertStudyPaths(loaded, { inputs: false }), (error: Error) => {
    assert.ok(error.message.includes(`paths.content is 'content', but there is no folder at ${join(data, 'content')}`));
    assert.match(error.message, /run study from the project folder \(the one holding content\/\), or set paths\.project/);
    return true;
  });
  for (const output of ['_data', '.cache', 'assets']) assert.ok(!existsSync(join(data, output)), `${output} written into the data folder`);
  assert.ok(!existsSync(join(project, '.cache')));
});

test('a config beside its data, outside the project, builds its site into the project', async () => {
  const { project, data, file, raw } = await projectAndDataFolder();
  // As `cd project && study build --config ../data/shop/study.json` resolves it.
  const loaded = resolveConfig(await validateConfig(raw), file, { cwd: project });
  assert.equal(loaded.root, project);
  assert.equal(loaded.base, data);
  assert.equal(loaded.resolved.manifest, join(data, 'manifest.csv'));
  assert.equal(loaded.resolved.data, join(project, '_data'));
  // paths.project says the same explicitly, whatever the current folder.
  assert.equal(resolveConfig(await validateConfig({ ...raw, paths: { project: '../../project' } }), file).root, project);
  await runStages(studyStages, loaded, { logger: createRecordingLogger() });
  await buildSite(loaded, createRecordingLogger());
  assert.ok(existsSync(join(project, '_site', 'index.html')));
  assert.ok(existsSync(join(project, '_data', 'dataset.json')));
  for (const output of ['_data', '.cache', 'assets', '_site']) assert.ok(!(await readdir(data)).includes(output), `${output} written into the data folder`);
  // No page names a folder of this machine.
  for (const page of ['methods/index.html', 'data-quality/index.html', 'index.html']) {
    const html = await readFile(join(project, '_site', page), 'utf8');
    const at = html.indexOf(data);
    assert.ok(at < 0 && !html.includes(project), `${page} shows an absolute path: ${html.slice(Math.max(0, at - 200), at + 100)}`);
  }
  const methods = await readFile(join(project, '_site', 'methods/index.html'), 'utf8');
  assert.ok(methods.includes('npx study build --config ../data/shop/study.json'));
  await rm(join(project, '_site'), { recursive: true, force: true });
});

test('a template error names the file and its real line, the front matter counted', async () => {
  assert.equal(frontMatterLines('---\na: 1\n---\nbody'), 3);
  assert.equal(frontMatterLines('no front matter\n---\n'), 0);
  const root = await makeTempDir('study-template-');
  await mkdir(join(root, 'content'));
  const page = ['---', 'title: Broken', 'layout: false', 'a: 1', 'b: 2', '---', 'l7', 'l8', 'l9', 'l10', 'l11', 'Here {% if x %} never closed'];
  await writeFile(join(root, 'content', 'broken.md'), page.join('\n') + '\n');
  await writeFile(join(root, 'study.config.json'), '{}');
  const loaded = resolveConfig(await validateConfig({}), join(root, 'study.config.json'));
  await assert.rejects(buildSite(loaded, createRecordingLogger()), (error: Error) => {
    assert.match(error.message, /site build failed: \S*content\/broken\.md, line 12, column 6: tag \{% if x %\} not closed/);
    return true;
  });
});

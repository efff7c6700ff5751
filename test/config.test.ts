import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultConfig, loadConfig, validateConfig } from '../pipeline/core/config.ts';
import { configTable, START, END } from '../scripts/config-docs.ts';
import { makeTempDir } from './helpers/project.ts';

test('defaults are the published study settings', async () => {
  const config = await defaultConfig();
  assert.equal(config.preprocess.size, 96);
  assert.equal(config.dataset.train_per_class, 25000);
  assert.equal(config.dataset.validation_per_class, 6250);
  assert.equal(config.dataset.columns.id, 'id');
});

test('unknown keys and wrong types are errors naming every key at once', async () => {
  await assert.rejects(
    validateConfig({ colour: 'red', dataset: { columns: { sku: 'x' }, train_per_class: '10' }, preprocess: { fit: 'crop' } }),
    (error: Error) => {
      assert.match(error.message, /unknown key 'colour'/);
      assert.match(error.message, /unknown key 'dataset\.columns\.sku'/);
      assert.match(error.message, /'dataset\.train_per_class' must be integer/);
      assert.match(error.message, /'preprocess\.fit' must be one of "cover", "contain", "fill"/);
      return true;
    },
  );
});

test('K per embedding model lives under cluster.k; the old keys say where they went', async () => {
  const config = await validateConfig({ cluster: { k: { clip: 6 } } });
  assert.deepEqual(config.cluster.k, { resnet: null, clip: 6 });
  await assert.rejects(validateConfig({ cluster: { resnet_k: 5 }, clip: { k: 6 } }), (error: Error) => {
    assert.match(error.message, /'cluster\.resnet_k' is now 'cluster\.k\.resnet'/);
    assert.match(error.message, /'clip\.k' is now 'cluster\.k\.clip'/);
    return true;
  });
  await assert.rejects(validateConfig({ cluster: { k: { vit: 3 } } }), /cluster\.k\.vit/);
});

test('the committed study.config.json is valid', async () => {
  const loaded = await loadConfig(new URL('../study.config.json', import.meta.url).pathname);
  assert.equal(loaded.config.dataset.simulated_labels, true);
});

test('a config file that is not JSON names the file; outputs may not leave the project', async () => {
  const dir = await makeTempDir();
  await writeFile(join(dir, 'bad.json'), '{ "seed": 1,, }');
  await assert.rejects(loadConfig(join(dir, 'bad.json')), /bad\.json: not valid JSON/);
  await writeFile(join(dir, 'out.json'), JSON.stringify({ paths: { site: '../elsewhere' } }));
  await assert.rejects(loadConfig(join(dir, 'out.json')), /'paths\.site' \(\.\.\/elsewhere\) points outside the project folder/);
});

test('the README lists every configuration key with its default', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END)).trim();
  assert.equal(section, await configTable(), 'README is out of date: run npx tsx scripts/config-docs.ts');
});

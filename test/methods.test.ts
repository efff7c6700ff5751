/**
 * Methods says what happened: the engines and device the stages recorded after choosing them,
 * every package that shaped an output with its installed version, the command and configuration
 * file that built the site, the build log and configuration, and the dataset's card when one
 * sits beside the manifest. Built once from a small real pipeline run asked to train on a GPU
 * it does not have (unless this machine has onnxruntime's CUDA provider), so a fallback happens.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSite } from '../pipeline/site/build.ts';
import { runStages, writeRunManifest } from '../pipeline/stages.ts';
import { studyStages } from '../pipeline/graph.ts';
import { versions } from '../pipeline/command-inputs.ts';
import { loadConfig } from '../pipeline/core/config.ts';
import { createRecordingLogger } from '../pipeline/core/effects.ts';
import type { RunData } from '../pipeline/contracts.ts';
import { demoteHeadings } from '../pipeline/site/globals.ts';
import { makeSiteProject, repoRoot } from './helpers/site.ts';

const loaded = await makeSiteProject({ dataset: { simulated_labels: true }, model: { weights: 'none', blocks: [1, 1, 1, 1], width_per_group: 4, device: 'cuda' } });
const logger = createRecordingLogger();
let run: RunData;
let methods: string;

const CARD = `# The tiny dataset

Labels were drawn by [the rule](RULE.md) with seed 7: a coin per listing.

## Columns
\`sold\`, \`group\`; see [the source](https://example.org/data).
`;

before(async () => {
  await writeFile(join(loaded.root, 'data/README.md'), CARD);
  const runVersions = versions();
  const reports = await runStages(studyStages, loaded, { logger, versions: runVersions });
  await writeRunManifest(loaded, reports, runVersions);
  await buildSite(loaded, createRecordingLogger());
  run = JSON.parse(await readFile(join(loaded.resolved.data, 'run.json'), 'utf8'));
  methods = await readFile(join(loaded.resolved.site, 'methods/index.html'), 'utf8');
});

const notesOf = (stage: string) => run.stages.find((s) => s.name === stage)?.notes ?? {};
/** The engines table's rows for a stage: [step, engine, package, device]. */
function engineRows(html: string, stage: string): string[][] {
  const table = html.slice(html.indexOf('<table id="engines">'), html.indexOf('</table>', html.indexOf('<table id="engines">')));
  return [...table.matchAll(new RegExp(`<tr data-stage="${stage}"><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>`, 'g'))].map((m) => m.slice(1));
}
const engineWords = (name: string) => (name === 'onnxruntime' ? 'onnxruntime' : `TensorFlow.js, ${name} backend`);

test('Methods names the engines and device each stage recorded after choosing them', () => {
  const training = notesOf('train').training as { engine: string; device: string | null; backend: string | null; fallback: string | null };
  assert.ok(training, 'the train stage records what trained');
  assert.equal(training.engine, 'onnxruntime', 'onnxruntime loads here, so it trains');
  const train = engineRows(methods, 'train');
  const trainingRow = train.find(([step]) => step!.startsWith('Training'));
  assert.ok(trainingRow, 'a training row');
  assert.equal(trainingRow[1], engineWords(training.engine));
  assert.match(trainingRow[2]!, new RegExp(`^onnxruntime-node ${run.versions['onnxruntime-node']!.replace(/\./g, '\\.')}$`));
  assert.equal(trainingRow[3], training.device === 'cpu' ? 'CPU' : 'GPU (CUDA)');
  // TensorFlow.js holds the network for the onnxruntime trainer: named for that, not for training.
  const holder = train.find(([step]) => step!.startsWith('Building the network'));
  assert.equal(holder?.[1], engineWords(String(notesOf('train').backend)));
  assert.equal(train.find(([step]) => step!.startsWith('Validation'))?.[1], engineWords(String(notesOf('train').validation_inference)));
  assert.equal(engineRows(methods, 'evaluate')[0]?.[1], engineWords(String(notesOf('evaluate').inference)));
  const gradcam = engineRows(methods, 'gradcam');
  assert.equal(gradcam[0]?.[1], engineWords(String(notesOf('gradcam').inference)));
  assert.equal(gradcam[1]?.[1], engineWords(String(notesOf('gradcam').deletion_inference)));
  // The old record of the choice before it was made is gone.
  assert.doesNotMatch(methods, /TensorFlow\.js backend <code>/);
});

test('a device fallback is a warning on the console and a line on Methods', () => {
  const training = notesOf('train').training as { device: string; fallback: string | null };
  if (training.fallback === null) {
    // onnxruntime's CUDA provider is installed here: it trained on the GPU, and says so.
    assert.equal(training.device, 'cuda');
    return;
  }
  assert.equal(training.device, 'cpu');
  assert.match(training.fallback, /model\.device is 'cuda', but onnxruntime's cuda provider could not start .*training runs on the CPU/);
  assert.ok(logger.lines.includes(`warning: ${training.fallback}`), 'warned on the console');
  const escaped = training.fallback.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
  const list = methods.slice(methods.indexOf('id="fallbacks"'));
  assert.ok(list.includes(`<li>${escaped}</li>`), 'listed under Fallbacks');
  assert.match(methods, /Not everything ran as configured: 1 fallback,/);
});

test('Methods lists every package that shaped an output with the version in node_modules', async () => {
  const shown = new Map([...methods.slice(methods.indexOf('id="versions-table"')).matchAll(/<tr><td>([^<]+)<\/td><td><code>([^<]+)<\/code><\/td><\/tr>/g)].map((m) => [m[1]!, m[2]!]));
  const packages = ['sharp', 'vega', 'vega-lite', '@11ty/eleventy', 'onnxruntime-node', '@huggingface/transformers', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'markdown-it'];
  for (const pkg of packages) {
    const installed = JSON.parse(await readFile(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    assert.equal(shown.get(pkg), installed, `${pkg}: Methods shows ${shown.get(pkg)}, node_modules holds ${installed}`);
    assert.equal(run.versions[pkg], installed, `run.json records ${pkg}`);
  }
  assert.equal(shown.get('node'), process.versions.node);
});

test('Methods shows the command with the configuration file relative to the project, the build log and the configuration', async () => {
  assert.ok(methods.includes('<pre><code>npx study build --config study.config.json</code></pre>'));
  const log = methods.slice(methods.indexOf('<details id="build-log">'), methods.indexOf('</details>', methods.indexOf('<details id="build-log">')));
  assert.match(log, /<summary>The build log<\/summary>/);
  for (const stage of run.stages) assert.match(log, new RegExp(`\\[ran\\] ${stage.name} \\(`), `${stage.name} in the log`);
  assert.match(log, /training in onnxruntime on the CPU, the network held in TensorFlow\.js/);
  assert.ok(!log.includes(loaded.root), 'the log names no folder of this machine');
  assert.match(methods, /<details id="configuration">\s*<summary>The full configuration<\/summary>[\s\S]*&#34;train_per_class&#34;: 10/);
  // Another configuration file in the same project: the command names it.
  await copyFile(loaded.file, join(loaded.root, 'tiny-study.json'));
  const other = await loadConfig(join(loaded.root, 'tiny-study.json'));
  await buildSite(other, createRecordingLogger());
  const page = await readFile(join(loaded.resolved.site, 'methods/index.html'), 'utf8');
  assert.ok(page.includes('<pre><code>npx study build --config tiny-study.json</code></pre>'));
  assert.ok(!page.includes(loaded.root));
});

test('the dataset card beside the manifest is a section of Methods, only when it exists', async () => {
  const at = methods.indexOf('<h3 id="dataset-card">');
  assert.ok(at > methods.indexOf('id="reproducing"'), 'in the For reproducing part');
  const section = methods.slice(at, methods.indexOf('<h3', at + 10));
  assert.match(section, /<code>data\/README\.md<\/code>/);
  // Rendered as Markdown, under Methods' headings; links to unpublished files kept as text.
  assert.match(section, /<h4>The tiny dataset<\/h4>/);
  assert.match(section, /<h5>Columns<\/h5>/);
  assert.match(section, /Labels were drawn by the rule with seed 7/);
  assert.match(section, /<a href="https:\/\/example\.org\/data">the source<\/a>/);
  assert.match(methods, /published below in <a href="#dataset-card">the dataset’s card<\/a>/);
  await rm(join(loaded.root, 'data/README.md'));
  await buildSite(loaded, createRecordingLogger());
  const without = await readFile(join(loaded.resolved.site, 'methods/index.html'), 'utf8');
  assert.doesNotMatch(without, /dataset-card/);
  assert.doesNotMatch(without, /The tiny dataset/);
});

test('a card keeps its heading order, and code blocks are left alone', () => {
  assert.equal(demoteHeadings('# A\n\n## B\n```\n# not a heading\n```\n###### F', 3), '#### A\n\n##### B\n```\n# not a heading\n```\n###### F');
  assert.equal(demoteHeadings('#hashtag and # mid-line', 2), '#hashtag and # mid-line');
});

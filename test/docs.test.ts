/** What the README and graph.ts say that can be derived must equal what is derived. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { benchBlock, between, flowDrawing, MARKERS, stageTable } from '../scripts/readme-docs.ts';
import { studyStages } from '../pipeline/graph.ts';

const read = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');
const stale = 'out of date: run npx tsx scripts/readme-docs.ts';

test('the README stage table is the stage list, every stage described', async () => {
  assert.equal(between(await read('README.md'), MARKERS.stages), stageTable(), `README stage table ${stale}`);
  for (const stage of studyStages) assert.ok(stage.doc?.reads && stage.doc.writes, `${stage.name} has no doc`);
  assert.match(stageTable(), /\| `baselines` \| `dataset`, `evaluate`, `embed-clip` \|/);
});

test("graph.ts's header draws the flow the runner follows", async () => {
  const drawing = between(await read('pipeline/graph.ts'), MARKERS.flow);
  assert.equal(drawing, flowDrawing(), `pipeline/graph.ts header ${stale}`);
  // embed-clip needs only the dataset.
  assert.match(drawing!, /embed-clip\s+<- dataset\n/);
});

test('the README benchmark block and bench/results.md are bench/results.json', async () => {
  const block = await benchBlock();
  assert.equal(between(await read('README.md'), MARKERS.bench), block, `README benchmark block ${stale}`);
  assert.equal((await read('bench/results.md')).trimEnd(), block, `bench/results.md ${stale}`);
});

test('the README opens with the two set-up commands and claims nothing stale', async () => {
  const readme = await read('README.md');
  assert.match(readme.slice(0, 400), /```sh\nnpm ci && npm run build[^\n]*\nnpm test[^\n]*\n```/);
  assert.doesNotMatch(readme, /still to land/i);
  for (const link of readme.matchAll(/\]\((docs\/[^)]+)\)/g)) assert.ok((await read(link[1]!)).length > 200, `${link[1]} exists`);
});

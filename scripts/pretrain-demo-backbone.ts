/**
 * Pretrains the demo's backbone: the demo network learns to name the garment (17 classes) on
 * clothing-dataset photos that share no photo and no contributor with the demo, so the demo can
 * fine-tune a pretrained network as the study did with ImageNet, without downloading anything.
 *
 *   npx tsx scripts/pretrain-demo-backbone.ts [--source ../shared/datasets/clothing-dataset] [--size 64]
 *
 * Seeded and resumable (a checkpoint after every epoch under .cache/backbone/; run it again
 * after a kill). Writes datasets/demo/backbone.safetensors (torchvision layout, float32, with
 * its 17-class head, which fine-tuning replaces) and datasets/demo/BACKBONE.md.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { createConsoleLogger } from '../pipeline/core/effects.ts';
import { integerOption } from '../pipeline/core/options.ts';
import { hashValue } from '../pipeline/core/hash.ts';
import { writeFileAtomic } from '../pipeline/core/atomic.ts';
import { defaultConfig } from '../pipeline/core/config.ts';
import { mapOrdered } from '../pipeline/core/concurrency.ts';
import { decodePhoto, resolveDecoder } from '../pipeline/data/preprocess.ts';
import { ImageCache, imageCachePaths, type ImageCacheIndex } from '../pipeline/data/image-cache.ts';
import { initBackend, tf } from '../pipeline/model/backend.ts';
import { buildResNet } from '../pipeline/model/resnet.ts';
import { specFromConfig } from '../pipeline/model/weights.ts';
import { trainNetwork } from '../pipeline/model/train.ts';
import { readSafetensors, serializeSafetensors } from '../pipeline/model/safetensors.ts';
import { exportTorchWeights, loadTorchWeights } from '../pipeline/model/torch-layout.ts';
import { assertDisjoint, backbonePool, holdOutContributors, type DemoRow, type SourceRow } from './demo-backbone/pool.ts';
import { backboneReport } from './demo-backbone/report.ts';

/** The demo's layout and image size (study.config.json), and how the backbone is trained. */
export const BACKBONE = {
  seed: 7,
  size: 64,
  blocks: [1, 1, 1, 1],
  width_per_group: 16,
  held_out_fraction: 0.2,
  train: { epochs: 40, patience: 8, batch_size: 32, micro_batch: 32, learning_rate: 0.001, weight_decay: 0.0001 },
};

const { values } = parseArgs({ options: { source: { type: 'string' }, out: { type: 'string' }, size: { type: 'string' } } });
if (values.size) BACKBONE.size = integerOption(values.size, 'size', BACKBONE.size, 32, 512);
const root = resolve(new URL('..', import.meta.url).pathname);
const source = resolve(values.source ?? join(root, '../shared/datasets/clothing-dataset'));
const out = resolve(values.out ?? join(root, 'datasets/demo'));
const work = join(root, '.cache', 'backbone');
const logger = createConsoleLogger();

const sourceRows = parse(await readFile(join(source, 'images.csv')), { columns: true, bom: true }) as SourceRow[];
const demoRows = parse(await readFile(join(out, 'manifest.csv')), { columns: true, bom: true }) as DemoRow[];
const pool = backbonePool(sourceRows, demoRows);
const disjoint = assertDisjoint(pool, demoRows);
logger.info(`backbone pool: ${disjoint.photos} photos from ${disjoint.contributors} contributors; none of them, and no contributor of theirs, is in the demo's ${demoRows.length} listings (checked)`);
const { train, heldOut } = holdOutContributors(pool, BACKBONE.held_out_fraction, BACKBONE.seed);
const classes = [...new Set(pool.map((r) => r.label))].sort();
const run = hashValue({ BACKBONE, train: train.map((r) => r.image), heldOut: heldOut.map((r) => r.image), classes }).slice(0, 16);

/** The photos of one part at the demo's size, as an image cache (skipped when already made for this run). */
async function preprocess(side: 'train' | 'validation', rows: SourceRow[]): Promise<ImageCache> {
  const paths = imageCachePaths(work, side);
  const existing = await readFile(paths.index, 'utf8').then((t) => JSON.parse(t) as ImageCacheIndex & { run?: string }).catch(() => undefined);
  if (existing?.run === run) return new ImageCache(existing, paths.pixels);
  await mkdir(join(work, 'preprocess'), { recursive: true });
  const stream = createWriteStream(paths.pixels);
  const index: ImageCacheIndex & { run: string } = { schema: 1, size: BACKBONE.size, count: 0, ids: [], labels: [], images: [], run };
  const progress = logger.progress(`preprocess ${side}`, rows.length);
  const decoder = resolveDecoder('auto');
  const decoded = mapOrdered(rows, 8, async (row) => ({ row, photo: await decodePhoto(join(source, 'images', `${row.image}.jpg`), { size: BACKBONE.size, fit: 'cover', decoder, maxPixels: 50_000_000 }) }));
  for await (const { row, photo } of decoded) {
    if (!stream.write(photo.data)) await new Promise<void>((done) => stream.once('drain', () => done()));
    index.count++;
    index.ids.push(row.image);
    index.labels.push(classes.indexOf(row.label));
    index.images.push(`${row.image}.jpg`);
    progress.tick();
  }
  await new Promise<void>((done, fail) => stream.end((error?: Error | null) => (error ? fail(error) : done())));
  progress.done();
  await writeFileAtomic(paths.index, JSON.stringify(index)); // last: a killed run preprocesses again
  return new ImageCache(index, paths.pixels);
}

const trainCache = await preprocess('train', train);
const heldOutCache = await preprocess('validation', heldOut);
await initBackend('auto');
const backend = 'onnxruntime (training graph)';
const net = buildResNet({ ...specFromConfig(BACKBONE.blocks, BACKBONE.width_per_group), classes: classes.length }, BACKBONE.seed);
const config = await defaultConfig();
const bestPath = join(work, 'work', 'best.safetensors');
await mkdir(join(work, 'work'), { recursive: true });
logger.info(`training on ${backend}: ${trainCache.count} photos, ${heldOutCache.count} held out, ${classes.length} classes, run ${run}`);
// Training time on this machine, summed over resumed runs (kept beside the checkpoint).
const timing = join(work, 'work', 'seconds.json');
const before = await readFile(timing, 'utf8').then((t) => JSON.parse(t) as { run: string; seconds: number }).catch(() => undefined);
const earlier = before?.run === run ? before.seconds : 0;
const started = performance.now();
const { state, resumedFrom } = await trainNetwork({
  net,
  train: trainCache,
  validation: heldOutCache,
  config: { ...config.train, ...BACKBONE.train },
  augment: config.augment,
  seed: BACKBONE.seed,
  run,
  checkpointPath: join(work, 'work', 'checkpoint.safetensors'),
  bestPath,
  logger,
  validationEngine: 'onnxruntime',
  engine: 'onnxruntime',
  afterEpoch: () => writeFileAtomic(timing, JSON.stringify({ run, seconds: earlier + (performance.now() - started) / 1000 })),
});
const seconds = earlier + (performance.now() - started) / 1000;
loadTorchWeights(net, (await readSafetensors(bestPath)).tensors, bestPath);
const weights = await exportTorchWeights(net, state.step);
const file = join(out, 'backbone.safetensors');
const description = `a garment backbone pretrained by this project (the same network taught to name the garment in ${(train.length + heldOut.length).toLocaleString('en-US')} clothing photos that share no photo and no contributor with the demo), a stand-in for the ImageNet weights the study fine-tuned`;
await writeFileAtomic(
  file,
  serializeSafetensors(weights, { format: 'pt', run, description, card: 'BACKBONE.md', classes: classes.join(','), image_size: String(BACKBONE.size), best_epoch: String(state.best_epoch) }),
);
const best = state.history[state.best_epoch - 1]!;
const majority = Math.max(...classes.map((_, c) => heldOutCache.index.labels.filter((l) => l === c).length)) / heldOutCache.count;
await writeFile(
  join(out, 'BACKBONE.md'),
  backboneReport({ backbone: BACKBONE, classes, train, heldOut, demo: demoRows.length, state, resumedFrom, seconds, backend, parameters: net.model.countParams(), best, majority, run }),
);
logger.info(`wrote ${file}: held-out top-1 accuracy ${(best.val_accuracy * 100).toFixed(1)}% (majority class ${(majority * 100).toFixed(1)}%), best epoch ${state.best_epoch} of ${state.epoch}`);
trainCache.close();
heldOutCache.close();
net.model.dispose();
tf.disposeVariables();
await rm(join(work, 'work'), { recursive: true, force: true });

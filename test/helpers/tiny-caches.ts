import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runStages } from '../../pipeline/stages.ts';
import { datasetStage } from '../../pipeline/data/dataset-stage.ts';
import { preprocessStage } from '../../pipeline/data/preprocess-stage.ts';
import { ImageCache } from '../../pipeline/data/image-cache.ts';
import { createRecordingLogger } from '../../pipeline/core/effects.ts';
import { makeBadCorpus, toCsv } from './bad-corpus.ts';
import { makeProject } from './project.ts';

/** A tiny training set: 36 photos through the real dataset and preprocess stages at 32 px. */
export async function tinyCaches() {
  const loaded = await makeProject({
    dataset: { manifest: 'data/manifest.csv', images: 'data/images', columns: { group: 'group' }, train_per_class: 100, validation_per_class: 100, validation_fraction: 0.3 },
    preprocess: { size: 32 },
  });
  const corpus = await makeBadCorpus(join(loaded.root, 'data'), 36);
  await writeFile(join(loaded.root, 'data/manifest.csv'), toCsv(corpus.rows, ['id', 'image', 'sold', 'group']));
  await runStages([datasetStage, preprocessStage], loaded, { logger: createRecordingLogger() });
  return { loaded, train: await ImageCache.open(loaded.resolved.cache, 'train'), validation: await ImageCache.open(loaded.resolved.cache, 'validation') };
}

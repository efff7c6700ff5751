/**
 * `dataset`: manifest + photos -> a checked, balanced, leakage-free split.
 * Writes `_data/dataset.json` (the data-quality report) and, for the stages after it,
 * `<cache>/dataset/split.json` (the chosen listings) and `problems.json` (every problem).
 */
import { basename, join, relative } from 'node:path';
import type { StageDefinition } from '../stage-types.ts';
import { stageFile } from '../stage-files.ts';
import { checkData, MIN_PER_CLASS_PER_SIDE, requireUsable } from './check.ts';
import { SIDES, splitListings } from './split.ts';
import { CLASSES } from './labels.ts';
import { summariseDataset } from './summary.ts';
import { StudyError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';


export const datasetStage: StageDefinition = {
  name: 'dataset',
  doc: { reads: 'the manifest and the photos', writes: '`_data/dataset.json` (data quality, split), `.cache/dataset/split.json`' },
  version: 7,
  // Concurrency changes speed, not results: it is not part of the fingerprint.
  config: (c) => ({ seed: c.seed, dataset: c.dataset }),
  tuning: ['preprocess.concurrency'],
  inputs: (loaded) => [loaded.resolved.manifest, loaded.resolved.images],
  async run(ctx) {
    const { config, loaded } = ctx;
    const d = config.dataset;
    const check = await checkData({
      manifest: loaded.resolved.manifest,
      images: loaded.resolved.images,
      format: d.format,
      columns: d.columns,
      delimiter: d.delimiter,
      decimal: d.decimal,
      labelValues: d.label_values,
      maxPixels: d.max_pixels,
      nearDuplicateDistance: d.near_duplicate_distance,
      concurrency: config.preprocess.concurrency,
      logger: ctx.logger,
    });
    requireUsable(check, loaded.resolved.manifest, d.test_per_class > 0 ? 3 : 2);
    if (d.test_per_class > 0 && d.validation_fraction + d.test_fraction >= 1) {
      throw new StudyError(msg.testFractionTooLarge(d.validation_fraction, d.test_fraction));
    }
    const split = splitListings(check.listings, check.near_duplicates, {
      seed: config.seed,
      validationFraction: d.validation_fraction,
      testFraction: d.test_fraction,
      perClass: { train: d.train_per_class, validation: d.validation_per_class, test: d.test_per_class },
    });
    if (d.test_per_class > 0 && split.test.length === 0) throw new StudyError(msg.testSetEmpty(d.test_per_class, d.test_fraction, split.groups.test));
    for (const side of SIDES) {
      if (side === 'test' && d.test_per_class === 0) continue;
      const available = split.available[side];
      if (CLASSES.some((c) => available[c] < MIN_PER_CLASS_PER_SIDE)) {
        throw new StudyError(msg.sideTooSmall(side, CLASSES.map((c) => `${c} ${available[c]}`).join(', '), MIN_PER_CLASS_PER_SIDE));
      }
    }
    for (const warning of split.warnings) ctx.logger.warn(warning);
    const excluded = check.problems.filter((p) => p.reason !== 'bad_price').length;
    if (excluded) ctx.logger.warn(msg.rowsExcluded(excluded));
    const rel = relative(loaded.root, loaded.resolved.manifest);
    const summary = summariseDataset(check, split, {
      manifest: rel.startsWith('..') ? basename(loaded.resolved.manifest) : rel,
      root: [loaded.root, loaded.base],
      simulated: d.simulated_labels,
      validationFraction: d.validation_fraction,
      requested: { train: d.train_per_class, validation: d.validation_per_class, test: d.test_per_class },
    });
    await ctx.writeData('dataset', summary);
    await ctx.writeFile(stageFile('split', loaded.resolved), JSON.stringify({ schema: 1, run: ctx.fingerprint, train: split.train, validation: split.validation, test: split.test }));
    await ctx.writeFile(join(loaded.resolved.cache, 'dataset', 'problems.json'), JSON.stringify({ schema: 1, run: ctx.fingerprint, problems: check.problems, near_duplicates: check.near_duplicates, leaks_removed: split.leaks_removed }));
    ctx.logger.info(`  ${check.usable}/${check.rows} rows usable; train ${split.train.length}, validation ${split.validation.length}${split.test.length ? `, test ${split.test.length}` : ''} (${split.per_class.train} + ${split.per_class.validation}${split.test.length ? ` + ${split.per_class.test}` : ''} per class)`);
  },
};

import { readFile } from 'node:fs/promises';
import type { StageDefinition } from '../stage-types.ts';
import { FileError } from '../core/errors.ts';
import { assembleReport, type StudyReference } from './assemble.ts';
import { studyReferencePath } from '../site/globals.ts';
import { EMBEDDER_IDS } from '../embed/embedders.ts';
import * as msg from '../core/messages.ts';

/** `report`: the narrative's derived data (chart rows, verdicts), in `_data/report.json`. */
export const reportStage: StageDefinition = {
  name: 'report',
  doc: { reads: "the other stages' data, `_data/study_reference.json`", writes: '`_data/report.json`: chart rows, per-cluster pages, and the verdict worded from the accuracy interval' },
  version: 8,
  after: ['train', 'evaluate', ...EMBEDDER_IDS.map((id) => `cluster-${id}`)],
  inputs: (loaded) => [studyReferencePath(loaded)],
  async run(ctx) {
    const [referencePath] = ctx.inputs;
    let reference: StudyReference;
    try {
      reference = JSON.parse(await readFile(referencePath!, 'utf8'));
    } catch (error) {
      throw new FileError(referencePath!, msg.referenceUnreadable((error as Error).message));
    }
    // A cluster stage without embeddings (CLIP not run) writes no file; any other absence is an error.
    const clusterFiles = EMBEDDER_IDS.map((id) => `data:clusters_${id}` as const).filter((name) => ctx.exists(name));
    const clusters = await Promise.all(clusterFiles.map((name) => ctx.read(name)));
    await ctx.writeData('report', assembleReport(reference, await ctx.read('data:train'), await ctx.read('data:evaluate'), clusters));
  },
};

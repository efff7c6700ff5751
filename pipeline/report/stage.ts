import { readFile } from 'node:fs/promises';
import type { StageDefinition } from '../stages.ts';
import { FileError } from '../core/errors.ts';
import { assembleReport, type StudyReference } from './assemble.ts';
import { studyReferencePath } from '../site/globals.ts';

/** `report`: the narrative's derived data, in `_data/report.json`. */
export const reportStage: StageDefinition = {
  name: 'report',
  version: 1,
  inputs: (loaded) => [studyReferencePath(loaded)],
  async run(ctx) {
    const path = studyReferencePath(ctx.loaded);
    let reference: StudyReference;
    try {
      reference = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new FileError(path, `cannot read the study's reference figures (${(error as Error).message})`);
    }
    await ctx.writeData('report', 1, assembleReport(reference));
  },
};

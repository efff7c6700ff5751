import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageDefinition } from '../stages.ts';
import type { ClusterData, EvaluateData, TrainData } from '../contracts.ts';
import { FileError } from '../core/errors.ts';
import { assembleReport, type StudyReference } from './assemble.ts';
import { studyReferencePath } from '../site/globals.ts';

/**
 * An upstream stage's `_data` file. Absent is allowed only where `optional` (a stage that had
 * nothing to do writes none); a file that is there but does not parse is an error naming it,
 * never a section that silently vanishes.
 */
async function readData<T>(dir: string, name: string, stage: string, optional = false): Promise<T | undefined> {
  const path = join(dir, `${name}.json`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && optional) return undefined;
    throw new FileError(path, `cannot read the ${stage} stage's output (${(error as Error).message}); run 'study build --force --only ${stage}' to remake it`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new FileError(path, `the ${stage} stage's output is not valid JSON (${(error as Error).message}): it is damaged or half-written; run 'study build --force' to remake it`);
  }
}

/** `report`: the narrative's derived data (chart rows, verdicts), in `_data/report.json`. */
export const reportStage: StageDefinition = {
  name: 'report',
  doc: { reads: "the other stages' data, `_data/study_reference.json`", writes: '`_data/report.json`: chart rows, per-cluster pages, and the verdict worded from the accuracy interval' },
  version: 6,
  after: ['train', 'evaluate', 'cluster-resnet', 'cluster-clip'],
  inputs: (loaded) => [studyReferencePath(loaded)],
  async run(ctx) {
    const path = studyReferencePath(ctx.loaded);
    let reference: StudyReference;
    try {
      reference = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new FileError(path, `cannot read the study's reference figures (${(error as Error).message})`);
    }
    const data = ctx.loaded.resolved.data;
    // A cluster stage without embeddings (CLIP not run) writes no file.
    const clusters = (await Promise.all(['resnet', 'clip'].map((s) => readData<ClusterData>(data, `clusters_${s}`, `cluster-${s}`, true)))).filter((c): c is ClusterData => Boolean(c));
    await ctx.writeData('report', 6, assembleReport(reference, await readData<TrainData>(data, 'train', 'train'), await readData<EvaluateData>(data, 'evaluate', 'evaluate'), clusters));
  },
};

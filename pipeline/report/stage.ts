import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StageDefinition } from '../stages.ts';
import type { ClusterData, EvaluateData, TrainData } from '../contracts.ts';
import { FileError } from '../core/errors.ts';
import { assembleReport, type StudyReference } from './assemble.ts';
import { studyReferencePath } from '../site/globals.ts';

async function readData<T>(dir: string, name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** `report`: the narrative's derived data (chart rows, verdicts), in `_data/report.json`. */
export const reportStage: StageDefinition = {
  name: 'report',
  version: 4,
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
    const clusters = (await Promise.all(['resnet', 'clip'].map((s) => readData<ClusterData>(data, `clusters_${s}`)))).filter((c): c is ClusterData => Boolean(c));
    await ctx.writeData('report', 4, assembleReport(reference, await readData<TrainData>(data, 'train'), await readData<EvaluateData>(data, 'evaluate'), clusters));
  },
};

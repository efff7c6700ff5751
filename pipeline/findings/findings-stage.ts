/**
 * `findings`: what the report found, as data. Reads the evaluation, the baselines, Grad-CAM's
 * deletion check and the clusterings, decides each claim's verdict by its rule (rules.ts), words
 * it (wording.ts) and assembles the closing Interpretation. Writes `_data/findings.json`.
 */
import { readFile } from 'node:fs/promises';
import type { StageDefinition } from '../stage-types.ts';
import type { FindingsData } from '../contracts.ts';
import { FileError } from '../core/errors.ts';
import { studyReferencePath } from '../site/globals.ts';
import { assembleFindings } from './assemble.ts';
import { interpret, type StudyFigures } from './interpretation.ts';
import { EMBEDDER_IDS, type EmbedderId } from '../embed/embedders.ts';
import * as msg from '../core/messages.ts';

/** The published study's figures the Interpretation sets beside this build's. */
function studyFigures(path: string, text: string): StudyFigures {
  try {
    const reference = JSON.parse(text);
    return {
      accuracy: reference.report.accuracy,
      f1_macro: reference.report['macro avg']['f1-score'],
      validation_images: reference.dataset.validation_images,
      conclusion: reference.conclusion,
    };
  } catch (error) {
    throw new FileError(path, msg.referenceUnreadable((error as Error).message));
  }
}

export const findingsStage: StageDefinition = {
  name: 'findings',
  doc: {
    reads: "evaluate's, baselines', Grad-CAM's and the clusterings' data, `_data/study_reference.json`",
    writes: "`_data/findings.json`: each claim's numbers, the verdict its rule decides and its sentence; the Interpretation's paragraphs",
  },
  version: 2,
  after: ['dataset', 'evaluate', 'baselines', 'gradcam', ...EMBEDDER_IDS.map((id) => `cluster-${id}`)],
  config: (c) => ({ seed: c.seed, simulated: c.dataset.simulated_labels, simulation: c.dataset.simulation }),
  inputs: (loaded) => [studyReferencePath(loaded)],
  async run(ctx) {
    const [referencePath] = ctx.inputs;
    const study = studyFigures(referencePath!, await readFile(referencePath!, 'utf8'));
    const evaluate = await ctx.read('data:evaluate');
    const optional = async <K extends 'data:baselines' | 'data:gradcam' | `data:clusters_${EmbedderId}`>(name: K) => (ctx.exists(name) ? ctx.read(name) : null);
    const clusters = (await Promise.all(EMBEDDER_IDS.map((id) => optional(`data:clusters_${id}`)))).filter((c) => c !== null);
    const simulated = ctx.config.dataset.simulated_labels;
    const findings = assembleFindings({
      evaluate,
      baselines: await optional('data:baselines'),
      clusters,
      gradcam: await optional('data:gradcam'),
      simulated_from: simulated ? ctx.config.dataset.simulation.drawn_from : [],
      seed: ctx.config.seed,
    });
    const interpretation = interpret({ findings, accuracy: evaluate.report.accuracy, accuracy_ci95: evaluate.ci95.accuracy, simulated, clip_ran: clusters.some((c) => c.source === 'clip'), study });
    const data: FindingsData = { findings, interpretation };
    await ctx.writeData('findings', data);
    for (const f of findings) ctx.logger.info(`  ${f.id}${f.source ? ` (${f.source})` : ''}: ${f.verdict}`);
  },
};

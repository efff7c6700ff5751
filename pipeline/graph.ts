/**
 * The study's stages, in the order data flows:
 *
 *   dataset -> preprocess -> train -> evaluate -> gradcam -> embed-resnet -> embed-clip
 *           -> cluster-resnet, cluster-clip -> report
 *
 * Each stage lives in its own folder and is registered here; the runner (stages.ts) orders
 * them by `after`, fingerprints them and skips what is cached.
 */
import type { StageDefinition } from './stages.ts';
import { reportStage } from './report/stage.ts';
import { datasetStage } from './data/stage.ts';
import { preprocessStage } from './data/preprocess-stage.ts';
import { trainStage } from './model/train-stage.ts';
import { evaluateStage } from './evaluate/stage.ts';
import { gradcamStage } from './explain/stage.ts';
import { embedResnetStage } from './embed/resnet-stage.ts';
import { clusterStage } from './cluster/stage.ts';
import { embedClipStage } from './embed/clip-stage.ts';
import { baselinesStage } from './baselines/stage.ts';

export const studyStages: StageDefinition[] = [
  datasetStage,
  preprocessStage,
  trainStage,
  evaluateStage,
  gradcamStage,
  embedResnetStage,
  clusterStage('resnet'),
  embedClipStage,
  clusterStage('clip'),
  baselinesStage,
  reportStage,
];

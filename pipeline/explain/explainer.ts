/**
 * Explanation methods as plug-ins. A CAM-style explainer is its weights function: from one
 * image's activations at a stage and the target score's gradient there, one weight per channel;
 * the map is ReLU(sum_c weight_c A_c) (pytorch-grad-cam's BaseCAM with get_cam_weights). The
 * network code computes activations and gradients once per batch; every selected method
 * reads them. Adding a method: a module in methods/ and its line in EXPLAINERS.
 */
import type { GradcamConfig } from '../core/config-types.ts';
import { gradCam } from './methods/grad-cam.ts';
import { gradCamPlusPlus } from './methods/grad-cam-plus-plus.ts';
import type { Explainer, StageSignals } from './explainer-types.ts';

export type { Explainer, StageSignals } from './explainer-types.ts';

export const EXPLAINERS = {
  gradcam: gradCam,
  'gradcam++': gradCamPlusPlus,
} as const satisfies Record<GradcamConfig['methods'][number], Explainer>;

export type ExplainerId = keyof typeof EXPLAINERS;

export const EXPLAINER_IDS = Object.keys(EXPLAINERS) as ExplainerId[];

/** The map before the ReLU: sum_c weight_c A_c at each cell. */
export function weightedMap(signals: StageSignals, weights: Float64Array): Float32Array {
  const { activation, channels, plane } = signals;
  const out = new Float64Array(plane);
  for (let c = 0; c < channels; c++) {
    const w = weights[c]!;
    if (w === 0) continue;
    for (let p = 0; p < plane; p++) out[p]! += w * activation[c * plane + p]!;
  }
  return Float32Array.from(out);
}

/**
 * Grad-CAM (Selvaraju et al., 2017): a channel's weight is the spatial mean of the target's
 * gradient over that channel (pytorch-grad-cam's GradCAM.get_cam_weights).
 */
import type { Explainer } from '../explainer-types.ts';

export const gradCam: Explainer = {
  id: 'gradcam',
  name: 'Grad-CAM',
  about: 'weighs each channel of the stage by how much, on average over the photo, it moves the score, and paints the weighted sum',
  channelWeights({ gradient, channels, plane }) {
    const weights = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let p = 0; p < plane; p++) sum += gradient[c * plane + p]!;
      weights[c] = sum / plane;
    }
    return weights;
  },
};

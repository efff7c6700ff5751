/**
 * Grad-CAM++ (Chattopadhay et al., 2018), as pytorch-grad-cam's GradCAMPlusPlus computes it:
 * per-pixel coefficients a = g^2 / (2 g^2 + (sum of the channel's activations) g^3 + 1e-6),
 * zero where the gradient is zero, and a channel's weight is the sum over its pixels of
 * a * ReLU(g). Positive gradients only, each pixel weighted: maps tend to cover more of an
 * object, or several objects, where Grad-CAM marks the single most telling part.
 */
import type { Explainer } from '../explainer-types.ts';

const EPS = 1e-6;

export const gradCamPlusPlus: Explainer = {
  id: 'gradcam++',
  name: 'Grad-CAM++',
  about: 'counts only the places where a channel pushes the score up, each by how much it adds, so its maps tend to cover more of a garment, or several things in the photo, where Grad-CAM marks the single most telling part',
  channelWeights({ activation, gradient, channels, plane }) {
    const weights = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      let activations = 0;
      for (let p = 0; p < plane; p++) activations += activation[c * plane + p]!;
      let sum = 0;
      for (let p = 0; p < plane; p++) {
        const g = gradient[c * plane + p]!;
        if (g <= 0) continue; // ReLU(g) = 0, and a = 0 where g = 0
        const g2 = g * g;
        sum += (g2 / (2 * g2 + activations * g2 * g + EPS)) * g;
      }
      weights[c] = sum;
    }
    return weights;
  },
};

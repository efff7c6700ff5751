"""Grad-CAM and Grad-CAM++ channel weights and maps as pytorch-grad-cam computes them
(GradCAM.get_cam_weights, GradCAMPlusPlus.get_cam_weights, BaseCAM's weighted sum and ReLU),
in NumPy, on seeded activations and gradients (NCHW) with zero and negative gradients mixed in.
Writes test/fixtures/gradcam-plusplus.json.  Run: python3 scripts/reference/gradcam_plusplus_reference.py
"""
import json
import pathlib

import numpy as np

rng = np.random.RandomState(0)
n, c, h, w = 3, 6, 3, 4
activations = np.maximum(rng.randn(n, c, h, w), 0).astype(np.float32)
grads = (rng.randn(n, c, h, w) * 0.1).astype(np.float32)
grads[rng.rand(n, c, h, w) < 0.2] = 0  # exact zeros: a = 0 there
grads[0, 1] = 0.01  # a constant-gradient channel, as at the last stage
activations[1, 2] = 0  # a dead channel


def gradcam_weights(activations, grads):
    return np.mean(grads, axis=(2, 3))


def gradcam_plusplus_weights(activations, grads):
    grads_power_2 = grads**2
    grads_power_3 = grads_power_2 * grads
    sum_activations = np.sum(activations, axis=(2, 3))
    eps = 0.000001
    aij = grads_power_2 / (2 * grads_power_2 + sum_activations[:, :, None, None] * grads_power_3 + eps)
    aij = np.where(grads != 0, aij, 0)
    weights = np.maximum(grads, 0) * aij
    return np.sum(weights, axis=(2, 3))


def cam(weights, activations):
    return np.maximum((weights[:, :, None, None] * activations).sum(axis=1), 0)


a64, g64 = activations.astype(np.float64), grads.astype(np.float64)
out = {
    "definition": __doc__.strip(),
    "shape_nchw": [n, c, h, w],
    "activations": activations.tolist(),
    "grads": grads.tolist(),
    "gradcam": {"weights": gradcam_weights(a64, g64).tolist(), "maps": cam(gradcam_weights(a64, g64), a64).tolist()},
    "gradcam++": {"weights": gradcam_plusplus_weights(a64, g64).tolist(), "maps": cam(gradcam_plusplus_weights(a64, g64), a64).tolist()},
}
path = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "gradcam-plusplus.json"
path.write_text(json.dumps(out) + "\n")
print(f"wrote {path}")

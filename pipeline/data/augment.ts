/**
 * Training-time augmentation and normalisation, in torchvision's order (the study's recipe):
 * horizontal flip, rotation, colour jitter (brightness, contrast, saturation), then ImageNet
 * mean/std. Every image draws exactly five numbers from the seeded stream, so a batch is
 * reproducible from (seed, epoch, position) alone. Validation images get normalisation only.
 */
import type { AugmentConfig } from '../core/config-types.ts';
import type { Random } from '../core/random.ts';

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface AugmentDraw {
  flip: boolean;
  angle: number;
  brightness: number;
  contrast: number;
  saturation: number;
}

export function drawAugmentation(config: AugmentConfig, random: Random): AugmentDraw {
  const u = [random(), random(), random(), random(), random()] as const;
  return {
    flip: config.flip && u[0] < 0.5,
    angle: (u[1] * 2 - 1) * config.rotation,
    brightness: 1 + (u[2] * 2 - 1) * config.brightness,
    contrast: 1 + (u[3] * 2 - 1) * config.contrast,
    saturation: 1 + (u[4] * 2 - 1) * config.saturation,
  };
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * `src`: size x size x 3 bytes (HWC). Writes the augmented, normalised image as floats into
 * `out` at `offset` (NHWC). `draw` undefined means no augmentation (validation).
 */
export function augmentAndNormalise(src: Uint8Array, size: number, out: Float32Array, offset: number, draw?: AugmentDraw): void {
  const n = size * size;
  const img = new Float32Array(n * 3);
  if (!draw || (draw.angle === 0 && !draw.flip)) {
    for (let i = 0; i < n * 3; i++) img[i] = src[i]! / 255;
  } else {
    // Inverse mapping: each output pixel samples the source bilinearly (flip folded in);
    // outside the source is black, as torchvision's RandomRotation fills with 0.
    const rad = (draw.angle * Math.PI) / 180; // positive angle = counter-clockwise, as torchvision
    const cos = Math.cos(rad);
    const sin = Math.sin(rad);
    const c = (size - 1) / 2;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dx = x - c;
        const dy = y - c;
        let sx = cos * dx - sin * dy + c;
        const sy = sin * dx + cos * dy + c;
        if (draw.flip) sx = size - 1 - sx;
        const o = (y * size + x) * 3;
        if (sx < -0.5 || sy < -0.5 || sx > size - 0.5 || sy > size - 0.5) continue;
        const x0 = Math.max(0, Math.min(size - 1, Math.floor(sx)));
        const y0 = Math.max(0, Math.min(size - 1, Math.floor(sy)));
        const x1 = Math.min(size - 1, x0 + 1);
        const y1 = Math.min(size - 1, y0 + 1);
        const fx = Math.max(0, Math.min(1, sx - x0));
        const fy = Math.max(0, Math.min(1, sy - y0));
        for (let ch = 0; ch < 3; ch++) {
          const a = src[(y0 * size + x0) * 3 + ch]!;
          const b = src[(y0 * size + x1) * 3 + ch]!;
          const d = src[(y1 * size + x0) * 3 + ch]!;
          const e = src[(y1 * size + x1) * 3 + ch]!;
          img[o + ch] = ((a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy) / 255;
        }
      }
    }
  }
  if (draw) {
    if (draw.brightness !== 1) for (let i = 0; i < n * 3; i++) img[i] = clamp01(img[i]! * draw.brightness);
    if (draw.contrast !== 1) {
      let mean = 0;
      for (let p = 0; p < n; p++) mean += 0.299 * img[p * 3]! + 0.587 * img[p * 3 + 1]! + 0.114 * img[p * 3 + 2]!;
      mean /= n;
      for (let i = 0; i < n * 3; i++) img[i] = clamp01(draw.contrast * img[i]! + (1 - draw.contrast) * mean);
    }
    if (draw.saturation !== 1) {
      for (let p = 0; p < n; p++) {
        const o = p * 3;
        const grey = 0.299 * img[o]! + 0.587 * img[o + 1]! + 0.114 * img[o + 2]!;
        for (let ch = 0; ch < 3; ch++) img[o + ch] = clamp01(draw.saturation * img[o + ch]! + (1 - draw.saturation) * grey);
      }
    }
  }
  for (let p = 0; p < n; p++) {
    for (let ch = 0; ch < 3; ch++) out[offset + p * 3 + ch] = (img[p * 3 + ch]! - IMAGENET_MEAN[ch]!) / IMAGENET_STD[ch]!;
  }
}

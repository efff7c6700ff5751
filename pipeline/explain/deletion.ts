/**
 * The deletion check's maths, apart from any CAM method (pytorch-grad-cam keeps its metrics in
 * their own folder): replace the pixels a map ranks highest by a blurred copy of the photo,
 * replace as many random pixels the same way, and compare how much the predicted class's
 * probability drops. Blurring rather than blacking out keeps the perturbed photo close to the
 * photos the network saw (ROAD's argument), so a drop says "this region mattered", not "this
 * photo looks strange". Pure functions over plain arrays; the gradcam stage runs the network.
 */
import type { DeletionCheck, DeletionGroup } from '../contracts.ts';
import { forEachResample, percentile } from '../evaluate/bootstrap.ts';
import type { Random } from '../core/random.ts';

/**
 * A map [h][w] resized bilinearly to height x width with half-pixel centres and clamped edges
 * (cv2.resize's INTER_LINEAR, which pytorch-grad-cam scales its maps with). Row-major.
 */
export function upsampleBilinear(map: number[][], height: number, width: number): Float32Array {
  const h = map.length;
  const w = map[0]?.length ?? 0;
  const out = new Float32Array(height * width);
  const source = (i: number, from: number, to: number) => Math.min(Math.max((i + 0.5) * (from / to) - 0.5, 0), from - 1);
  for (let y = 0; y < height; y++) {
    const sy = source(y, h, height);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = source(x, w, width);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      const top = map[y0]![x0]! * (1 - fx) + map[y0]![x1]! * fx;
      const bottom = map[y1]![x0]! * (1 - fx) + map[y1]![x1]! * fx;
      out[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

/** A normalised Gaussian kernel reaching 3 sigma each side (beyond that, under 0.5% of the mass). */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return kernel.map((v) => v / sum);
}

/**
 * Gaussian blur of one HWC image, each channel on its own: rows, then columns (the 2-D kernel
 * is separable), reading past an edge as the edge pixel. Blurring the normalised input is the
 * same as normalising the blurred photo, since normalisation is affine per channel.
 */
export function blurImage(image: Float32Array, height: number, width: number, channels: number, sigma: number): Float32Array {
  const kernel = gaussianKernel(sigma);
  const taps = kernel.length;
  const radius = (taps - 1) / 2;
  // One 1-D pass along lines of `length` pixels; the clamped source offsets are tabled once.
  const pass = (input: Float32Array, lines: number, length: number, lineStride: number, step: number) => {
    const offsets = new Int32Array(length * taps);
    for (let i = 0; i < length; i++) for (let k = 0; k < taps; k++) offsets[i * taps + k] = Math.min(Math.max(i + k - radius, 0), length - 1) * step;
    const output = new Float32Array(input.length);
    for (let line = 0; line < lines; line++) {
      const base = line * lineStride;
      for (let i = 0; i < length; i++) {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let k = 0; k < taps; k++) sum += kernel[k]! * input[base + offsets[i * taps + k]! + c]!;
          output[base + i * step + c] = sum;
        }
      }
    }
    return output;
  };
  const rows = pass(image, height, width, width * channels, channels);
  return pass(rows, width, height, channels, width * channels);
}

/** How many pixels a fraction of `pixels` is. */
export function maskCount(pixels: number, fraction: number): number {
  return Math.round(fraction * pixels);
}

/** The round(fraction * n) pixels with the highest values; ties go to the lower index, so a flat map masks the same pixels on every run. */
export function topFractionMask(values: Float32Array, fraction: number): Uint8Array {
  const order = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
  const mask = new Uint8Array(values.length);
  for (const p of order.slice(0, maskCount(values.length, fraction))) mask[p] = 1;
  return mask;
}

/** As many pixels drawn uniformly without replacement (a partial Fisher-Yates shuffle). */
export function randomMask(pixels: number, fraction: number, random: Random): Uint8Array {
  const indices = Array.from({ length: pixels }, (_, i) => i);
  const count = maskCount(pixels, fraction);
  const mask = new Uint8Array(pixels);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pixels - i));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
    mask[indices[i]!] = 1;
  }
  return mask;
}

/** A copy of an HWC image whose masked pixels (every channel) come from `replacement`. */
export function perturb(image: Float32Array, replacement: Float32Array, mask: Uint8Array, channels: number): Float32Array {
  const out = image.slice();
  mask.forEach((m, p) => m && out.set(replacement.subarray(p * channels, (p + 1) * channels), p * channels));
  return out;
}

/**
 * A 95% percentile bootstrap interval of a mean: resamples drawn as NumPy's RandomState(seed)
 * draws them (as bootstrap.ts does), so the interval can be checked in Python. Null under 2 values.
 */
export function bootstrapMean(values: number[], resamples: number, seed = 0): [number, number] | null {
  const n = values.length;
  if (n < 2) return null;
  const means: number[] = [];
  forEachResample(n, resamples, seed, (indices) => {
    let sum = 0;
    for (const k of indices) sum += values[k]!;
    means.push(sum / n);
  });
  return [percentile(means, 2.5), percentile(means, 97.5)];
}

/** One photo's outcome: drops in the predicted class's probability. */
export interface DeletionOutcome {
  correct: boolean;
  camDrop: number;
  randomDrop: number;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The groups (all, correct, wrong; an empty group is left out, having no mean) and their chart rows. */
export function summariseDeletion(outcomes: DeletionOutcome[], resamples: number): Pick<DeletionCheck, 'groups' | 'rows'> {
  const members = { all: outcomes, correct: outcomes.filter((o) => o.correct), wrong: outcomes.filter((o) => !o.correct) };
  const groups: DeletionGroup[] = (['all', 'correct', 'wrong'] as const)
    .filter((group) => members[group].length > 0)
    .map((group) => {
      const list = members[group];
      const differences = list.map((o) => o.camDrop - o.randomDrop);
      return {
        group,
        photos: list.length,
        cam_drop: mean(list.map((o) => o.camDrop)),
        random_drop: mean(list.map((o) => o.randomDrop)),
        difference: mean(differences),
        ci95: bootstrapMean(differences, resamples),
      };
    });
  const rows = groups.flatMap((g) => [
    { group: g.group, kind: 'highlighted' as const, drop: g.cam_drop, photos: g.photos },
    { group: g.group, kind: 'random' as const, drop: g.random_drop, photos: g.photos },
  ]);
  return { groups, rows };
}

/**
 * Heatmap overlays: a Grad-CAM map (any resolution) upsampled bilinearly to the photo,
 * coloured with turbo (d3-scale-chromatic; perceptually ordered) and blended over it.
 * The colouring lives apart from the map maths (gradcam.ts), as in pytorch-grad-cam.
 */
import sharp from 'sharp';
import { interpolateTurbo } from 'd3-scale-chromatic';

const TURBO: [number, number, number][] = Array.from({ length: 256 }, (_, i) => {
  const match = /rgb\((\d+), (\d+), (\d+)\)/.exec(interpolateTurbo(i / 255))!;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
});

/** The overlay's colour for a map value of 0..255 (turbo), as RGB bytes. */
export function heatmapColour(value: number): [number, number, number] {
  return TURBO[Math.max(0, Math.min(255, Math.round(value)))]!;
}

/**
 * The colour map as a CSS gradient of `stops` evenly spaced colours, low to high: the pages'
 * colour scale (`.cam-scale-bar` in assets/css/figures.css; test/figures.test.ts keeps the two equal).
 */
export function heatmapGradient(stops = 11): string {
  const hex = (rgb: number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  const colours = Array.from({ length: stops }, (_, i) => hex(heatmapColour((i / (stops - 1)) * 255)));
  return `linear-gradient(to right, ${colours.join(', ')})`;
}

/** A map scaled to 0..255 by its own maximum (an all-zero map stays zero). */
export function mapToBytes(map: number[][]): { bytes: Uint8Array; width: number; height: number } {
  const height = map.length;
  const width = map[0]?.length ?? 0;
  const max = Math.max(0, ...map.flat());
  const bytes = new Uint8Array(width * height);
  map.flat().forEach((v, i) => (bytes[i] = max > 0 ? Math.round((Math.max(0, v) / max) * 255) : 0));
  return { bytes, width, height };
}

export interface OverlayOptions {
  size: number;
  /** Heatmap opacity where the map is strongest. */
  alpha?: number;
}

/** `photo`: size x size x 3 RGB bytes. Returns size x size x 3 RGB bytes. */
export async function overlayHeatmap(photo: Uint8Array, map: number[][], options: OverlayOptions): Promise<Buffer> {
  const { bytes, width, height } = mapToBytes(map);
  // One channel out: sharp's raw output of a one-channel image is RGB unless asked otherwise,
  // which read as one channel striped the overlays.
  const up = await sharp(Buffer.from(bytes), { raw: { width, height, channels: 1 } })
    .resize(options.size, options.size, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  if (up.length !== options.size * options.size) throw new Error(`heatmap upsampling gave ${up.length} bytes for ${options.size}x${options.size}`);
  const alpha = options.alpha ?? 0.5;
  const out = Buffer.alloc(options.size * options.size * 3);
  for (let p = 0; p < options.size * options.size; p++) {
    const v = up[p]!;
    const [r, g, b] = TURBO[v]!;
    // Weak attention shows more of the photo; strong attention, more colour.
    const a = alpha * (0.35 + 0.65 * (v / 255));
    out[p * 3] = Math.round(photo[p * 3]! * (1 - a) + r * a);
    out[p * 3 + 1] = Math.round(photo[p * 3 + 1]! * (1 - a) + g * a);
    out[p * 3 + 2] = Math.round(photo[p * 3 + 2]! * (1 - a) + b * a);
  }
  return out;
}

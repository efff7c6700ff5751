/** Input conversions for forward passes: NCHW nested arrays (the fixtures' and PyTorch's layout) to NHWC. */
import { StudyError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';

export type Nested = number | Nested[];

export function shapeOf(value: Nested): number[] {
  const shape: number[] = [];
  let cursor: Nested = value;
  while (Array.isArray(cursor)) {
    shape.push(cursor.length);
    cursor = cursor[0]!;
  }
  return shape;
}

/** An [N][3][H][W] array as NHWC float32 (our batches' layout). */
export function nchwToNhwc(input: Nested, what = 'input_nchw'): { x: Float32Array; shape: [number, number, number, number] } {
  const shape = shapeOf(input);
  if (shape.length !== 4 || shape[1] !== 3) throw new StudyError(msg.inputShape(what, shape));
  const flat = (input as Nested[]).flat(3) as number[];
  if (flat.length !== shape.reduce((a, b) => a * b, 1) || flat.some((v) => typeof v !== 'number')) throw new StudyError(msg.inputRagged(what));
  const [n, c, h, w] = shape as [number, number, number, number];
  const x = new Float32Array(flat.length);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) x[((i * h + y) * w + xx) * c + ch] = flat[((i * c + ch) * h + y) * w + xx]!;
      }
    }
  }
  return { x, shape: [n, h, w, c] };
}


/** A flat array as `n` rows of plain numbers (JSON output). */
export function rows(data: ArrayLike<number>, n: number): number[][] {
  const width = data.length / n;
  return Array.from({ length: n }, (_, i) => Array.from(Array.prototype.slice.call(data, i * width, (i + 1) * width) as number[]));
}

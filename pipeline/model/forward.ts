/** Forward passes on NCHW inputs (the fixtures' and PyTorch's layout) or NHWC batches. */
import { tf } from './backend.ts';
import type { ResNet } from './resnet.ts';
import { StudyError } from '../core/errors.ts';

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

/** An [N][3][H][W] array as an NHWC tensor. */
export function nchwToTensor(input: Nested, what = 'input_nchw'): tf.Tensor4D {
  const shape = shapeOf(input);
  if (shape.length !== 4 || shape[1] !== 3) throw new StudyError(`${what} must be [N][3][H][W], got [${shape.join('][')}]`);
  const flat = (input as Nested[]).flat(3) as number[];
  if (flat.length !== shape.reduce((a, b) => a * b, 1) || flat.some((v) => typeof v !== 'number')) throw new StudyError(`${what} is ragged or holds non-numbers`);
  return tf.tidy(() => tf.transpose(tf.tensor4d(flat, shape as [number, number, number, number]), [0, 2, 3, 1]) as tf.Tensor4D);
}

function rows(data: Float32Array | Int32Array | Uint8Array, n: number): number[][] {
  const width = data.length / n;
  return Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * width, (i + 1) * width)));
}

/** Logits and penultimate features, batch by batch. */
export async function forward(net: ResNet, x: tf.Tensor4D, batchSize = 32): Promise<{ logits: number[][]; penultimate: number[][] }> {
  const logits: number[][] = [];
  const penultimate: number[][] = [];
  for (let start = 0; start < x.shape[0]; start += batchSize) {
    const size = Math.min(batchSize, x.shape[0] - start);
    const batch = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
    const [l, f] = net.model.predict(batch) as tf.Tensor[];
    logits.push(...rows((await l!.data()) as Float32Array, size));
    penultimate.push(...rows((await f!.data()) as Float32Array, size));
    tf.dispose([batch, l!, f!]);
  }
  return { logits, penultimate };
}

/**
 * Grad-CAM (Selvaraju et al.): for a stage's activation A (N, h, w, C) and a target score y
 * (the logit for `sold`, its negation for `not_sold`), channel weights are the spatial mean of
 * dy/dA and the map is ReLU(sum_c w_c A_c), raw at the stage's resolution. The gradient flows
 * through the rest of the network (headFrom), in inference mode. At layer4, with global
 * pooling and a linear head, this reduces to CAM/(h*w); layer3 exercises the backward path.
 */
import { tf } from '../model/backend.ts';
import type { ResNet } from '../model/resnet.ts';
import { StudyError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';

export type CamTarget = 'sold' | 'not_sold';

export interface GradCamResult {
  layer: string;
  targets: CamTarget[];
  logits: number[];
  /** [N][h][w], after the ReLU. */
  maps: number[][][];
  /** [N][h][w], before the ReLU. */
  raw: number[][][];
}

const heads = new WeakMap<ResNet, Map<number, tf.LayersModel>>();
const trunks = new WeakMap<ResNet, Map<number, tf.LayersModel>>();

export function stageIndex(net: ResNet, layer: string): number {
  const match = /^layer([1-9])$/.exec(layer);
  const stage = match ? Number(match[1]) : 0;
  if (stage < 1 || stage > net.stages.length) {
    throw new StudyError(msg.unknownLayer(layer, net.stages.length));
  }
  return stage;
}

function cached(map: WeakMap<ResNet, Map<number, tf.LayersModel>>, net: ResNet, stage: number, make: () => tf.LayersModel) {
  if (!map.has(net)) map.set(net, new Map());
  const byStage = map.get(net)!;
  if (!byStage.has(stage)) byStage.set(stage, make());
  return byStage.get(stage)!;
}

function toNested(data: Float32Array, n: number, h: number, w: number): number[][][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: h }, (_, y) => Array.from(data.subarray(i * h * w + y * w, i * h * w + (y + 1) * w))));
}

function targetsFor(logits: ArrayLike<number>, target?: CamTarget | CamTarget[]): CamTarget[] {
  return Array.from({ length: logits.length }, (_, i) => (Array.isArray(target) ? target[i]! : target ?? (logits[i]! >= 0 ? 'sold' : 'not_sold')));
}

/**
 * Grad-CAM at the network's last stage from a forward pass alone: there d(logit)/dA_c(y, x) is
 * w_c / (h*w) everywhere (global average pooling, then a linear head), so the map is
 * ReLU(sign * sum_c w_c A_c) / (h*w): CAM. `activation` is NCHW (onnxruntime's layout).
 */
export function lastStageGradCam(
  layer: string,
  activation: { data: Float32Array; shape: [number, number, number, number] },
  fcWeight: Float32Array,
  logits: ArrayLike<number>,
  target?: CamTarget | CamTarget[],
): GradCamResult {
  const [n, c, h, w] = activation.shape;
  if (fcWeight.length !== c) throw new StudyError(msg.camHead(c, fcWeight.length));
  const targets = targetsFor(logits, target);
  const plane = h * w;
  const raw = new Float32Array(n * plane);
  for (let i = 0; i < n; i++) {
    const sign = targets[i] === 'sold' ? 1 : -1;
    const out = raw.subarray(i * plane, (i + 1) * plane);
    for (let ch = 0; ch < c; ch++) {
      const weight = fcWeight[ch]!;
      const base = (i * c + ch) * plane;
      for (let p = 0; p < plane; p++) out[p]! += weight * activation.data[base + p]!;
    }
    for (let p = 0; p < plane; p++) out[p] = (sign * out[p]!) / plane;
  }
  const maps = raw.map((v) => Math.max(0, v));
  return { layer, targets, logits: Array.from(logits), maps: toNested(maps, n, h, w), raw: toNested(raw, n, h, w) };
}

/** `target` per image, or undefined for each image's predicted class. */
export async function gradCam(net: ResNet, x: tf.Tensor4D, layer = 'layer4', target?: CamTarget | CamTarget[]): Promise<GradCamResult> {
  const stage = stageIndex(net, layer);
  const trunk = cached(trunks, net, stage, () => tf.model({ inputs: net.input, outputs: [net.stages[stage - 1]!, net.logits] }));
  const head = cached(heads, net, stage, () => net.headFrom(stage));
  const [activation, logitsTensor] = trunk.predict(x) as tf.Tensor[];
  const logits = Array.from((await logitsTensor!.data()) as Float32Array);
  const n = x.shape[0];
  const targets = targetsFor(logits, target);
  const signs = tf.tensor1d(targets.map((t) => (t === 'sold' ? 1 : -1)));
  const [h, w] = [activation!.shape[1]!, activation!.shape[2]!];
  const [raw, cam] = tf.tidy(() => {
    // Images are independent in inference mode, so one gradient of the summed targets gives
    // each image's own gradient.
    const grads = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.reshape(head.apply(a) as tf.Tensor, [-1]), signs)))(activation!);
    const weights = tf.mean(grads, [1, 2], true); // [N, 1, 1, C]
    const before = tf.sum(tf.mul(weights, activation!), 3); // [N, h, w]
    return [before, tf.relu(before)];
  });
  const result: GradCamResult = {
    layer,
    targets,
    logits,
    maps: toNested((await cam.data()) as Float32Array, n, h, w),
    raw: toNested((await raw.data()) as Float32Array, n, h, w),
  };
  tf.dispose([activation!, logitsTensor!, signs, raw, cam]);
  return result;
}

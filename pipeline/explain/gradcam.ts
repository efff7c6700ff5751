/**
 * Class activation maps from a stage's activation A and the gradient of a target score y (the
 * logit for `sold`, its negation for `not_sold`): the signals are computed once per batch, by
 * onnxruntime at the last stage (a forward pass gives the exact gradient there) or by
 * TensorFlow.js at any stage, and each explainer (explainer.ts) turns them into maps at the
 * stage's resolution, before and after the ReLU.
 */
import { tf } from '../model/backend.ts';
import type { ResNet } from '../model/resnet.ts';
import { StudyError } from '../core/errors.ts';
import * as msg from '../core/messages.ts';
import { EXPLAINERS, weightedMap, type ExplainerId, type StageSignals } from './explainer.ts';

export type CamTarget = 'sold' | 'not_sold';

export interface GradCamResult {
  layer: string;
  method: ExplainerId;
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

/** A batch's activations and target gradients at one stage, ready for any explainer. */
export interface CamSignals {
  layer: string;
  targets: CamTarget[];
  logits: number[];
  h: number;
  w: number;
  /** Per image, channel-major. */
  images: StageSignals[];
}

/** One explainer's maps of a batch. */
export function camsFor(signals: CamSignals, method: ExplainerId = 'gradcam'): GradCamResult {
  const explainer = EXPLAINERS[method];
  const { h, w } = signals;
  const raw = new Float32Array(signals.images.length * h * w);
  signals.images.forEach((image, i) => raw.set(weightedMap(image, explainer.channelWeights(image)), i * h * w));
  const maps = raw.map((v) => Math.max(0, v));
  const n = signals.images.length;
  return { layer: signals.layer, method, targets: signals.targets, logits: signals.logits, maps: toNested(maps, n, h, w), raw: toNested(raw, n, h, w) };
}

/**
 * The last stage's signals from a forward pass alone: there d(logit)/dA_c(y, x) is w_c / (h*w)
 * everywhere (global average pooling, then a linear head), so Grad-CAM is ReLU(sign * sum_c
 * w_c A_c) / (h*w), which is CAM, and every explainer gets the exact gradient without a
 * backward pass. `activation` is NCHW (onnxruntime's layout).
 */
export function lastStageSignals(
  layer: string,
  activation: { data: Float32Array; shape: [number, number, number, number] },
  fcWeight: Float32Array,
  logits: ArrayLike<number>,
  target?: CamTarget | CamTarget[],
): CamSignals {
  const [n, c, h, w] = activation.shape;
  if (fcWeight.length !== c) throw new StudyError(msg.camHead(c, fcWeight.length));
  const targets = targetsFor(logits, target);
  const plane = h * w;
  const images = targets.map((t, i) => {
    const sign = t === 'sold' ? 1 : -1;
    const gradient = new Float32Array(c * plane);
    for (let ch = 0; ch < c; ch++) gradient.fill((sign * fcWeight[ch]!) / plane, ch * plane, (ch + 1) * plane);
    return { activation: activation.data.slice(i * c * plane, (i + 1) * c * plane), gradient, channels: c, plane };
  });
  return { layer, targets, logits: Array.from(logits), h, w, images };
}

/** NHWC [N, h, w, C] as each image's channel-major array. */
function channelMajor(data: Float32Array, n: number, plane: number, c: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => {
    const out = new Float32Array(c * plane);
    const base = i * plane * c;
    for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) out[ch * plane + p] = data[base + p * c + ch]!;
    return out;
  });
}

/**
 * Any stage's signals in TensorFlow.js: the stage's activation and the gradient of the target
 * score through the rest of the network (headFrom), in inference mode. `target` per image, or
 * undefined for each image's predicted class.
 */
export async function stageSignals(net: ResNet, x: tf.Tensor4D, layer = 'layer4', target?: CamTarget | CamTarget[]): Promise<CamSignals> {
  const stage = stageIndex(net, layer);
  const trunk = cached(trunks, net, stage, () => tf.model({ inputs: net.input, outputs: [net.stages[stage - 1]!, net.logits] }));
  const head = cached(heads, net, stage, () => net.headFrom(stage));
  const [activation, logitsTensor] = trunk.predict(x) as tf.Tensor[];
  const logits = Array.from((await logitsTensor!.data()) as Float32Array);
  const n = x.shape[0];
  const targets = targetsFor(logits, target);
  const signs = tf.tensor1d(targets.map((t) => (t === 'sold' ? 1 : -1)));
  const [h, w, c] = [activation!.shape[1]!, activation!.shape[2]!, activation!.shape[3]!];
  // Images are independent in inference mode, so one gradient of the summed targets gives
  // each image's own gradient.
  const grads = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.reshape(head.apply(a) as tf.Tensor, [-1]), signs)))(activation!));
  const activations = channelMajor((await activation!.data()) as Float32Array, n, h * w, c);
  const gradients = channelMajor((await grads.data()) as Float32Array, n, h * w, c);
  tf.dispose([activation!, logitsTensor!, signs, grads]);
  return { layer, targets, logits, h, w, images: activations.map((a, i) => ({ activation: a, gradient: gradients[i]!, channels: c, plane: h * w })) };
}

/** Grad-CAM at any stage, in TensorFlow.js. */
export async function gradCam(net: ResNet, x: tf.Tensor4D, layer = 'layer4', target?: CamTarget | CamTarget[]): Promise<GradCamResult> {
  return camsFor(await stageSignals(net, x, layer, target));
}

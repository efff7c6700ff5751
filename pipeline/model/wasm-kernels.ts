/**
 * What the wasm backend lacks for training, composed from kernels it has:
 *  - Conv2DBackpropFilter (missing: "Kernel 'Conv2DBackpropFilter' not registered"): the
 *    filter gradient is a forward convolution of the input with dy, batch and channel axes
 *    swapped, dilated by the stride;
 *  - Conv2DBackpropInput (shipped, but 7-10x slower than a forward convolution): dy with
 *    zeros inserted between its elements (stride > 1), convolved with the flipped, transposed
 *    filter (or, where the filter is the larger tensor, dy flipped, convolved with the
 *    transposed filter, flipped back); a plain matrix product for 1x1 stride-1 convolutions;
 *  - the FusedBatchNorm gradient: tfjs-core's tiles per-channel values to the activation's
 *    size; this one reduces and broadcasts instead (training's batchnorm has its own
 *    closed-form gradient, batch-norm-layer.ts; this one serves Grad-CAM's backward pass
 *    through inference-mode batchnorm).
 * Kernels are composed by calling the wasm backend's own kernel functions on TensorInfos and
 * freeing every intermediate, so nothing leaks into the engine's bookkeeping.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

type Backend = { disposeData(dataId: object, force?: boolean): boolean };
type Attrs = Record<string, unknown>;

/** Runs wasm kernels by name, remembering intermediates so they can be freed together. */
class Composer {
  private readonly temps: TensorInfo[] = [];
  constructor(private readonly backend: Backend) {}

  run(name: string, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
    const out = kernel.kernelFunc({ inputs: inputs as never, attrs: attrs as never, backend: this.backend as never }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** Frees every intermediate except `result`, which is returned to the engine. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode as 'round' | undefined,
    false,
    (attrs.dataFormat as 'NHWC' | 'NCHW') === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
}

function assertNhwc(attrs: Attrs, kernel: string): void {
  if (attrs.dataFormat && attrs.dataFormat !== 'NHWC') throw new Error(`${kernel} on wasm: only NHWC is supported`);
}

/** dW[kh,kw,ci,co] = sum over n, oh, ow of x_pad[n, oh*s+kh, ow*s+kw, ci] * dy[n,oh,ow,co]. */
export function conv2dBackpropFilter({ inputs, attrs, backend }: { inputs: Record<string, TensorInfo>; attrs: Attrs; backend: Backend }): TensorInfo {
  assertNhwc(attrs, 'Conv2DBackpropFilter');
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = convInfo(x.shape, filterShape, attrs);
  const [kh, kw] = filterShape;
  const [, h, w] = x.shape as [number, number, number, number];
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const c = new Composer(backend);
  const [n, , , ci] = x.shape as [number, number, number, number];
  const co = filterShape[3];
  if (kh === 1 && kw === 1 && top === 0 && left === 0) {
    // A 1x1 filter's gradient is X^T DY over the n*oh*ow positions the conv visited: one
    // transpose of x and a single 1x1 convolution (XNNPACK's GEMM) with dy as the filter.
    let sampled = x;
    if (sh > 1 || sw > 1) {
      // Every sh-th row and sw-th column: a 1x1 max pool with the conv's strides picks exactly
      // those (XNNPACK, 3 ms on 16x24x24x256) where StridedSlice walks element by element (80 ms).
      sampled = c.run('MaxPool', { x }, { filterSize: [1, 1], strides: [sh, sw], pad: 'valid' });
    }
    // The operand with fewer channels is the one transposed (positions become its channels);
    // the other is XNNPACK's filter as it is: X^T DY, or (DY^T X)^T when x is the wider.
    const positions = n * oh * ow;
    const product = (left: TensorInfo, right: TensorInfo, lc: number, rc: number) => {
      const lt = c.run('Transpose', { x: left }, { perm: [3, 0, 1, 2] });
      const a = c.run('Reshape', { x: lt }, { shape: [1, 1, lc, positions] });
      const f = c.run('Reshape', { x: right }, { shape: [1, 1, positions, rc] });
      return c.run('Conv2D', { x: a, filter: f }, { strides: [1, 1], dilations: [1, 1], pad: 'valid', dataFormat: 'NHWC' });
    };
    if (ci <= co) return c.finish(product(sampled, dy, ci, co));
    const swapped = c.run('Reshape', { x: product(dy, sampled, co, ci) }, { shape: [co, ci] });
    const back = c.run('Transpose', { x: swapped }, { perm: [1, 0] });
    return c.finish(c.run('Reshape', { x: back }, { shape: [1, 1, ci, co] }));
  }
  // Batch becomes channels: x' [ci, H, W, n], dy' [oh, ow, n, co].
  const xt = c.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyt = c.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const bottom = Math.max(0, kh + (oh - 1) * sh - h - top);
  const right = Math.max(0, kw + (ow - 1) * sw - w - left);
  let g = c.run('Conv2D', { x: xt, filter: dyt }, {
    strides: [1, 1],
    dilations: [sh, sw],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
  });
  if (g.shape[1] !== kh || g.shape[2] !== kw) {
    g = c.run('Slice', { x: g }, { begin: [0, 0, 0, 0], size: [g.shape[0], kh, kw, g.shape[3]] });
  }
  return c.finish(c.run('Transpose', { x: g }, { perm: [1, 2, 0, 3] }));
}

/** dx = dy (zeros inserted for the stride) convolved with the flipped, transposed filter. */
export function conv2dBackpropInput({ inputs, attrs, backend }: { inputs: Record<string, TensorInfo>; attrs: Attrs; backend: Backend }): TensorInfo {
  assertNhwc(attrs, 'Conv2DBackpropInput');
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = convInfo(inputShape, filter.shape, attrs);
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const [n, h, w] = inputShape;
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const c = new Composer(backend);

  if (kh === 1 && kw === 1 && top === 0 && left === 0) {
    // A 1x1 convolution with the transposed filter (XNNPACK's convolution is several times
    // faster than the wasm BatchMatMul here), at the output's resolution; for a strided 1x1
    // conv the result is then spread onto the input grid, zeros between: 1/s^2 of the work
    // of convolving a zero-filled dy.
    const transposed = c.run('Transpose', { x: filter }, { perm: [0, 1, 3, 2] });
    const small = c.run('Conv2D', { x: dy, filter: transposed }, { strides: [1, 1], dilations: [1, 1], pad: 'valid', dataFormat: 'NHWC' });
    if (sh === 1 && sw === 1 && oh === h && ow === w) return c.finish(small);
    const expanded = c.run('Reshape', { x: small }, { shape: [n, oh, 1, ow, 1, ci] });
    const spread = c.run('PadV2', { x: expanded }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    let grid = c.run('Reshape', { x: spread }, { shape: [n, oh * sh, ow * sw, ci] });
    if (oh * sh > h || ow * sw > w) grid = c.run('Slice', { x: grid }, { begin: [0, 0, 0, 0], size: [n, Math.min(h, oh * sh), Math.min(w, ow * sw), ci] });
    const [gh, gw] = [grid.shape[1]!, grid.shape[2]!];
    if (gh < h || gw < w) grid = c.run('PadV2', { x: grid }, { paddings: [[0, 0], [0, h - gh], [0, w - gw], [0, 0]], constantValue: 0 });
    return c.finish(grid);
  }

  let grad = dy;
  let gh = oh;
  let gw = ow;
  if (sh > 1 || sw > 1) {
    const expanded = c.run('Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, co] });
    const padded = c.run('PadV2', { x: expanded }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    grad = c.run('Reshape', { x: padded }, { shape: [n, oh * sh, ow * sw, co] });
    gh = oh * sh; // (oh - 1) * sh + 1 meaningful rows, then sh - 1 trailing zero rows
    gw = ow * sw;
  }
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  // Output size of a 'valid' convolution: gh + padTop + padBottom - kh + 1 must equal h.
  let padBottom = h - gh - padTop + kh - 1;
  let padRight = w - gw - padLeft + kw - 1;
  if (padBottom < 0 || padRight < 0) {
    grad = c.run('Slice', { x: grad }, { begin: [0, 0, 0, 0], size: [n, gh + Math.min(0, padBottom), gw + Math.min(0, padRight), co] });
    padBottom = Math.max(0, padBottom);
    padRight = Math.max(0, padRight);
  }
  const conv = (x: TensorInfo, f: TensorInfo, pad: number[][]) =>
    c.run('Conv2D', { x, filter: f }, { strides: [1, 1], dilations: [1, 1], pad, dataFormat: 'NHWC' });
  // The filter must be flipped spatially, and wasm's Reverse costs ~40 ns per element (92 ms
  // for a 3x3x512x512 filter, more than the convolution). Correlating with a flipped filter
  // equals flipping the result of correlating the flipped input with the filter as it is
  // (pads mirrored), so deep layers, whose filters outweigh dy and dx, flip those instead.
  const transposed = (source: TensorInfo) => c.run('Transpose', { x: source }, { perm: [0, 1, 3, 2] });
  if (n * grad.shape[1]! * grad.shape[2]! * co + n * h * w * ci < kh * kw * ci * co) {
    const mirrored = c.run('Reverse', { x: grad }, { dims: [1, 2] });
    const out = conv(mirrored, transposed(filter), [[0, 0], [padBottom, padTop], [padRight, padLeft], [0, 0]]);
    return c.finish(c.run('Reverse', { x: out }, { dims: [1, 2] }));
  }
  const flipped = c.run('Reverse', { x: filter }, { dims: [0, 1] });
  return c.finish(conv(grad, transposed(flipped), [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]]));
}

/**
 * Gradient of y = (x - mean) * rsqrt(variance + eps) * scale + offset with per-channel
 * (rank-1) statistics: reductions over all but the channel axis, no tiling.
 */
function broadcastingBatchNormGradient(original: tf.GradConfig | undefined): tf.GradConfig {
  return {
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const channels = x.shape[x.rank - 1]!;
      const perChannel = [mean, variance, scale].every((t) => t === undefined || (t.rank === 1 && t.shape[0] === channels));
      if (!perChannel && original) return original.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor;
      const eps = (attrs.varianceEpsilon as number) ?? 0.001;
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const scaleValue = scale ?? tf.scalar(1);
      const rsqrt = tf.rsqrt(tf.add(variance, tf.scalar(eps)));
      // Two per-channel reductions serve all four statistics' gradients:
      // sum(g) and sum(g * (x - mean)) = sum(g * x) - mean * sum(g).
      const sumG = tf.sum(g, axes);
      const sumGCentred = tf.sub(tf.sum(tf.mul(g, x), axes), tf.mul(mean, sumG));
      return {
        x: () => tf.mul(g, tf.mul(scaleValue, rsqrt)),
        mean: () => tf.neg(tf.mul(sumG, tf.mul(scaleValue, rsqrt))),
        variance: () => tf.mul(sumGCentred, tf.mul(scaleValue, tf.mul(tf.scalar(-0.5), tf.pow(rsqrt, tf.scalar(3))))),
        scale: () => tf.mul(sumGCentred, rsqrt),
        offset: () => tf.clone(sumG),
      };
    },
  };
}

/**
 * Identity sharing its input's memory, as the cpu backend's does. The wasm backend's copies the
 * tensor, and the engine calls Identity for every tensor a gradient saves (clone): a thousand
 * copies of activations per ResNet50 training step (about 90 ms). Tensors never change in
 * place (a variable's assign swaps its data), so sharing is safe; the backend counts references.
 */
function sharedIdentity(copying: tf.KernelFunc | undefined) {
  return (args: { inputs: Record<string, TensorInfo>; attrs: Attrs; backend: Backend & { incRef(dataId: object): void } }): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string' && copying) return copying(args as never) as TensorInfo;
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** True when a convolution's attributes ask for a dilation rate other than 1. */
export function isDilated(attrs: Attrs): boolean {
  const d = attrs.dilations as number | number[] | undefined;
  return d !== undefined && (Array.isArray(d) ? d.some((v) => v !== 1) : d !== 1);
}

/**
 * This project's gradient kernels assume dilation 1 (tfjs's conv2d gradient refuses others
 * today, but a caller may pass them): a dilated call goes to the kernel tfjs shipped, or, where
 * wasm has none, fails with a message instead of returning a wrong gradient.
 */
function undilated(name: string, ours: (args: { inputs: Record<string, TensorInfo>; attrs: Attrs; backend: Backend }) => TensorInfo, shipped: tf.KernelFunc | undefined) {
  return (args: { inputs: Record<string, TensorInfo>; attrs: Attrs; backend: Backend }): TensorInfo => {
    if (!isDilated(args.attrs)) return ours(args);
    if (shipped) return shipped(args as never) as TensorInfo;
    throw new Error(`${name} with dilations ${JSON.stringify(args.attrs.dilations)} is not supported on the wasm backend; use model.backend "cpu" or "tensorflow" for dilated convolutions`);
  };
}

let registered = false;

export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of [
    [tf.Conv2DBackpropFilter, undilated(tf.Conv2DBackpropFilter, conv2dBackpropFilter, tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')?.kernelFunc)],
    [tf.Conv2DBackpropInput, undilated(tf.Conv2DBackpropInput, conv2dBackpropInput, tf.getKernel(tf.Conv2DBackpropInput, 'wasm')?.kernelFunc)],
    [tf.Identity, sharedIdentity(tf.getKernel(tf.Identity, 'wasm')?.kernelFunc)],
  ] as const) {
    if (tf.getKernel(kernelName, 'wasm')) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
  const original = tf.getGradient(tf.FusedBatchNorm);
  // registerGradient warns when it replaces one; the replacement is deliberate.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient(broadcastingBatchNormGradient(original));
  } finally {
    console.warn = warn;
  }
}

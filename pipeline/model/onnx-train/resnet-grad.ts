/**
 * The ResNet's training step as ONNX nodes: the forward pass in training mode (batch
 * statistics, PyTorch's running-statistics rule) recorded on a tape, then the backward pass
 * from per-operator gradient rules:
 *   convolution   input gradient as one matrix product for 1x1 kernels (spread over the stride
 *                 when strided), as ConvTranspose otherwise; filter gradient as a matrix
 *                 product: of the (stepped) input for 1x1 kernels, of its k*k shifted views
 *                 (im2col) otherwise;
 *   batch norm    closed form: dx = g / sigma * (dy - mean(dy) - xhat * mean(dy * xhat));
 *   max pool      ScatterElements(add) on MaxPool's indices (the 3x3/2 windows overlap);
 *   ReLU, the residual Add, global average pooling, the linear head, and the loss (BCE with
 *   logits on one output, softmax cross-entropy on several).
 * Shapes are static (one graph per batch size and image size), as the rules need them.
 */
import type { ResNetSpec } from '../resnet.ts';
import { GraphBuilder } from './builder.ts';

const EPSILON = 1e-5;
const MOMENTUM = 0.1;

type Shape = [number, number, number, number];
export interface ParameterInfo {
  name: string;
  shape: number[];
  /** Batch-norm running statistics are state, not trained. */
  kind: 'trained' | 'running';
}

/** Every tensor of the torchvision layout the step reads, in a fixed order. */
export function resnetParameters(spec: ResNetSpec): ParameterInfo[] {
  const out: ParameterInfo[] = [];
  const conv = (name: string, shape: number[]) => out.push({ name: `${name}.weight`, shape, kind: 'trained' });
  const bn = (name: string, c: number) => {
    out.push({ name: `${name}.weight`, shape: [c], kind: 'trained' }, { name: `${name}.bias`, shape: [c], kind: 'trained' });
    out.push({ name: `${name}.running_mean`, shape: [c], kind: 'running' }, { name: `${name}.running_var`, shape: [c], kind: 'running' });
  };
  conv('conv1', [spec.stemWidth, 3, 7, 7]);
  bn('bn1', spec.stemWidth);
  let channels = spec.stemWidth;
  spec.blocks.forEach((count, stage) => {
    for (let b = 0; b < count; b++) {
      const name = `layer${stage + 1}.${b}`;
      const [width, outC] = [spec.widths[stage]!, spec.outChannels[stage]!];
      conv(`${name}.conv1`, [width, channels, 1, 1]);
      bn(`${name}.bn1`, width);
      conv(`${name}.conv2`, [width, width, 3, 3]);
      bn(`${name}.bn2`, width);
      conv(`${name}.conv3`, [outC, width, 1, 1]);
      bn(`${name}.bn3`, outC);
      if ((stage > 0 && b === 0) || channels !== outC) {
        conv(`${name}.downsample.0`, [outC, channels, 1, 1]);
        bn(`${name}.downsample.1`, outC);
      }
      channels = outC;
    }
  });
  out.push({ name: 'fc.weight', shape: [spec.classes, channels], kind: 'trained' }, { name: 'fc.bias', shape: [spec.classes], kind: 'trained' });
  return out;
}

const convOut = (size: number, k: number, s: number, p: number) => Math.floor((size + 2 * p - k) / s) + 1;

/**
 * Adds the forward and backward passes to `g`. Inputs it reads: `input` (NHWC float32),
 * `labels` (float32 [N] for one output, int64 [N] for several), `loss_scale` (the micro-batch's
 * share of the batch), every parameter by name. Returns the names of the loss, each trained
 * parameter's gradient and each running statistic's new value.
 */
export function addTrainingPass(g: GraphBuilder, spec: ResNetSpec, batch: number, height: number, width: number): { loss: string; grads: Map<string, string>; running: Map<string, string> } {
  const backward: (() => void)[] = [];
  const grads = new Map<string, string>();
  const running = new Map<string, string>();
  const gradOf = new Map<string, string>(); // activation -> its gradient (summed when used twice)
  const accumulate = (x: string, dx: string) => gradOf.set(x, gradOf.has(x) ? g.add(gradOf.get(x)!, dx) : dx);
  const take = (x: string) => gradOf.get(x)!;

  // The photo needs no gradient: the stem's input gradient (a 7x7 transposed convolution at
  // full resolution) is not built.
  const needsGrad = (x: string) => x !== x0;
  const conv = (x: string, shape: Shape, name: string, stride: number, pad: number): [string, Shape] => {
    const w = `${name}.weight`;
    const [co, ci, k] = [resnetShape(spec, w)[0]!, shape[1], resnetShape(spec, w)[2]!];
    const out: Shape = [shape[0], co, convOut(shape[2], k, stride, pad), convOut(shape[3], k, stride, pad)];
    const y = g.op('Conv', [x, w], [{ name: 'kernel_shape', ints: [k, k] }, { name: 'strides', ints: [stride, stride] }, { name: 'pads', ints: [pad, pad, pad, pad] }]);
    backward.push(() => {
      const dy = take(y);
      const [n, , oh, ow] = out;
      // dy as a [co, n*oh*ow] matrix: the filter gradient and a 1x1 input gradient multiply it
      // as one Gemm each (per-image products of a few columns, as ConvTranspose makes for
      // the small maps of the last stages, are far slower).
      const dyRows = g.reshape(g.transpose(dy, [1, 0, 2, 3]), [co, n * oh * ow]);
      if (!needsGrad(x)) {
        // nothing: see needsGrad
      } else if (k === 1 && pad === 0) {
        const dxRows = g.op('Gemm', [g.reshape(w, [co, ci]), dyRows], [{ name: 'transA', i: 1 }]);
        const dense = g.transpose(g.reshape(dxRows, [ci, n, oh, ow]), [1, 0, 2, 3]);
        if (stride === 1) accumulate(x, dense);
        else {
          // A strided 1x1 kernel's input gradient is W^T dy at every stride-th position:
          // zeros interleaved by Pad and Reshape, then padded out to x's size.
          const spread = g.op('Pad', [g.reshape(dense, [n, ci, oh, 1, ow, 1]), g.ints([0, 0, 0, 0, 0, 0, 0, 0, 0, stride - 1, 0, stride - 1])]);
          const grown = g.reshape(spread, [n, ci, oh * stride, ow * stride]);
          accumulate(x, oh * stride === shape[2] && ow * stride === shape[3] ? grown : g.op('Pad', [grown, g.ints([0, 0, 0, 0, 0, 0, shape[2] - oh * stride, shape[3] - ow * stride])]));
        }
      } else {
        // The transposed convolution, padded out to x's size.
        const extra = (size: number, o: number) => size - ((o - 1) * stride - 2 * pad + k);
        accumulate(x, g.op('ConvTranspose', [dy, w], [
          { name: 'kernel_shape', ints: [k, k] }, { name: 'strides', ints: [stride, stride] }, { name: 'pads', ints: [pad, pad, pad, pad] },
          { name: 'output_padding', ints: [extra(shape[2], oh), extra(shape[3], ow)] },
        ]));
      }
      let dw: string;
      if (k === 1 && pad === 0) {
        const sampled = stride > 1 ? g.op('Slice', [x, g.ints([0, 0]), g.ints([shape[2], shape[3]]), g.ints([2, 3]), g.ints([stride, stride])]) : x;
        const xRows = g.reshape(g.transpose(sampled, [1, 0, 2, 3]), [ci, n * oh * ow]);
        dw = g.reshape(g.op('Gemm', [dyRows, xRows], [{ name: 'transB', i: 1 }]), [co, ci, 1, 1]);
      } else {
        // dW = dy . im2col(x)^T: the k*k shifted (strided) views of x stacked into one matrix,
        // then one Gemm. Three times faster here than convolving x with dy over the batch axis,
        // whose huge kernel and 16 input channels suit no convolution algorithm.
        const xt = g.transpose(x, [1, 0, 2, 3]);
        const padded = pad > 0 ? g.op('Pad', [xt, g.ints([0, 0, pad, pad, 0, 0, pad, pad])]) : xt;
        const views: string[] = [];
        for (let kh = 0; kh < k; kh++) {
          for (let kw = 0; kw < k; kw++) {
            views.push(g.op('Slice', [padded, g.ints([kh, kw]), g.ints([kh + (oh - 1) * stride + 1, kw + (ow - 1) * stride + 1]), g.ints([2, 3]), g.ints([stride, stride])]));
          }
        }
        const columns = g.reshape(g.op('Concat', views, [{ name: 'axis', i: 0 }]), [k * k * ci, n * oh * ow]);
        dw = g.transpose(g.reshape(g.op('Gemm', [dyRows, columns], [{ name: 'transB', i: 1 }]), [co, k, k, ci]), [0, 3, 1, 2]);
      }
      grads.set(w, dw);
    });
    return [y, out];
  };

  const bn = (x: string, shape: Shape, name: string): string => {
    const c = shape[1];
    const m = shape[0] * shape[2] * shape[3];
    const channel = (t: string) => g.reshape(t, [1, c, 1, 1]);
    const mean = g.mean(x, [0, 2, 3]);
    const centred = g.sub(x, mean);
    const variance = g.mean(g.mul(centred, centred), [0, 2, 3]);
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar(EPSILON)])])]);
    const xhat = g.mul(centred, inv);
    const gamma = channel(`${name}.weight`);
    // y = gamma * xhat + beta in one pass: inference-mode BatchNormalization over xhat (mean 0, var 1 - eps).
    const y = g.op('BatchNormalization', [xhat, `${name}.weight`, `${name}.bias`, g.floats(Array(c).fill(0)), g.floats(Array(c).fill(1 - EPSILON))], [{ name: 'epsilon', f: EPSILON }]);
    // PyTorch: running = (1 - momentum) running + momentum batch, the variance unbiased.
    const flat = (t: string) => g.reshape(t, [c]);
    running.set(`${name}.running_mean`, g.add(g.scale(`${name}.running_mean`, 1 - MOMENTUM), g.scale(flat(mean), MOMENTUM)));
    running.set(`${name}.running_var`, g.add(g.scale(`${name}.running_var`, 1 - MOMENTUM), g.scale(flat(variance), (MOMENTUM * m) / Math.max(1, m - 1))));
    backward.push(() => {
      const dy = take(y);
      const dBeta = g.sum(dy, [0, 2, 3]);
      const dGamma = g.sum(g.mul(dy, xhat), [0, 2, 3]);
      grads.set(`${name}.bias`, flat(dBeta));
      grads.set(`${name}.weight`, flat(dGamma));
      const inner = g.sub(g.sub(dy, g.scale(dBeta, 1 / m)), g.mul(xhat, g.scale(dGamma, 1 / m)));
      accumulate(x, g.mul(inner, g.mul(gamma, inv)));
    });
    return y;
  };

  const relu = (x: string): string => {
    const y = g.op('Relu', [x]);
    backward.push(() => accumulate(x, g.op('Where', [g.op('Greater', [y, g.scalar(0)]), take(y), g.scalar(0)])));
    return y;
  };

  const residual = (a: string, b: string): string => {
    const y = g.add(a, b);
    backward.push(() => {
      accumulate(a, take(y));
      accumulate(b, take(y));
    });
    return y;
  };

  const maxPool = (x: string, shape: Shape): [string, Shape] => {
    const out: Shape = [shape[0], shape[1], convOut(shape[2], 3, 2, 1), convOut(shape[3], 3, 2, 1)];
    const [y, indices] = g.opMulti('MaxPool', [x], [`maxpool_y`, `maxpool_indices`], [{ name: 'kernel_shape', ints: [3, 3] }, { name: 'strides', ints: [2, 2] }, { name: 'pads', ints: [1, 1, 1, 1] }]);
    backward.push(() => {
      const total = shape[0] * shape[1] * shape[2] * shape[3];
      const zeros = g.op('ConstantOfShape', [g.ints([total])]);
      const scattered = g.op('ScatterElements', [zeros, g.reshape(indices!, [-1]), g.reshape(take(y!), [-1])], [{ name: 'axis', i: 0 }, { name: 'reduction', s: 'add' }]);
      accumulate(x, g.reshape(scattered, shape));
    });
    return [y!, out];
  };

  // ---- forward ----
  const x0 = g.transpose('input', [0, 3, 1, 2]);
  let shape: Shape = [batch, 3, height, width];
  let x: string;
  [x, shape] = conv(x0, shape, 'conv1', 2, 3);
  x = relu(bn(x, shape, 'bn1'));
  [x, shape] = maxPool(x, shape);
  let channels = spec.stemWidth;
  spec.blocks.forEach((count, stage) => {
    for (let b = 0; b < count; b++) {
      const name = `layer${stage + 1}.${b}`;
      const stride = stage > 0 && b === 0 ? 2 : 1;
      const outC = spec.outChannels[stage]!;
      let [y, s1] = conv(x, shape, `${name}.conv1`, 1, 0);
      y = relu(bn(y, s1, `${name}.bn1`));
      let s2: Shape;
      [y, s2] = conv(y, s1, `${name}.conv2`, stride, 1);
      y = relu(bn(y, s2, `${name}.bn2`));
      let s3: Shape;
      [y, s3] = conv(y, s2, `${name}.conv3`, 1, 0);
      y = bn(y, s3, `${name}.bn3`);
      let shortcut = x;
      if (stride !== 1 || channels !== outC) {
        const [d, sd] = conv(x, shape, `${name}.downsample.0`, stride, 0);
        shortcut = bn(d, sd, `${name}.downsample.1`);
      }
      x = relu(residual(y, shortcut));
      shape = s3;
      channels = outC;
    }
  });
  const pooled = g.op('GlobalAveragePool', [x]);
  const features = g.reshape(pooled, [batch, channels]);
  const logits = g.op('Gemm', [features, 'fc.weight', 'fc.bias'], [{ name: 'transB', i: 1 }]);

  // ---- loss and its gradient (d loss / d logits, scaled by the micro-batch's share) ----
  let loss: string;
  let dLogits: string;
  if (spec.classes === 1) {
    const z = logits;
    const y = g.reshape('labels', [batch, 1]);
    const perItem = g.add(g.sub(g.op('Relu', [z]), g.mul(z, y)), g.op('Softplus', [g.op('Neg', [g.op('Abs', [z])])]));
    loss = g.op('ReduceMean', [perItem], [{ name: 'keepdims', i: 0 }], 'loss');
    dLogits = g.mul(g.sub(g.op('Sigmoid', [z]), y), g.scale('loss_scale', 1 / batch));
  } else {
    const oneHot = g.op('OneHot', ['labels', g.ints([spec.classes]), g.floats([0, 1])], [{ name: 'axis', i: -1 }]);
    const logProbabilities = g.op('LogSoftmax', [logits], [{ name: 'axis', i: 1 }]);
    loss = g.op('Neg', [g.op('ReduceMean', [g.op('ReduceSum', [g.mul(oneHot, logProbabilities), g.ints([1])], [{ name: 'keepdims', i: 0 }])], [{ name: 'keepdims', i: 0 }])], [], 'loss');
    dLogits = g.mul(g.sub(g.op('Softmax', [logits], [{ name: 'axis', i: 1 }]), oneHot), g.scale('loss_scale', 1 / batch));
  }

  // ---- backward ----
  grads.set('fc.weight', g.op('Gemm', [dLogits, features], [{ name: 'transA', i: 1 }]));
  grads.set('fc.bias', g.sum(dLogits, [0], false));
  const dFeatures = g.op('MatMul', [dLogits, 'fc.weight']);
  const last = shape;
  gradOf.set(x, g.op('Expand', [g.scale(g.reshape(dFeatures, [batch, channels, 1, 1]), 1 / (last[2] * last[3])), g.ints(last)]));
  for (const step of backward.reverse()) step();
  return { loss, grads, running };
}

/** A parameter's shape, from the spec (the same rule as resnetParameters). */
function resnetShape(spec: ResNetSpec, name: string): number[] {
  const cache = shapeCache.get(spec) ?? new Map(resnetParameters(spec).map((p) => [p.name, p.shape]));
  shapeCache.set(spec, cache);
  const shape = cache.get(name);
  if (!shape) throw new Error(`no parameter ${name}`);
  return shape;
}
const shapeCache = new WeakMap<ResNetSpec, Map<string, number[]>>();

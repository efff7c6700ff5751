/**
 * Forward-only passes of a trained network file, on the engine the configuration picks:
 * onnxruntime (the network as an ONNX graph, native multithreaded kernels) or TensorFlow.js
 * (model.backend). Evaluation, embeddings, prediction and last-stage Grad-CAM go through here.
 */
import type { Logger } from '../core/effects.ts';
import type { ModelConfig } from '../core/config-types.ts';
import { StudyError } from '../core/errors.ts';
import { initBackend, tf } from './backend.ts';
import { OnnxResNet, type OnnxForward } from './onnx-resnet.ts';
import { loadOnnxRuntime } from '../core/onnx-runtime.ts';
import type { ResNet, ResNetSpec } from './resnet.ts';
import { networkFromFile } from './weights.ts';
import type { ImageCache } from '../data/image-cache.ts';
import { readBatch } from '../data/batches.ts';

export interface ForwardNetwork {
  /** 'onnxruntime', or the TensorFlow.js backend's name. */
  engine: string;
  spec: ResNetSpec;
  /** The head's weights when the network has one logit (for last-stage Grad-CAM). */
  fcWeight?: Float32Array;
  /** One NHWC batch: logits, pooled features and, when asked for at opening, a stage's NCHW activation. */
  run(x: Float32Array, shape: [number, number, number, number]): Promise<OnnxForward>;
  /** The TensorFlow.js network, when that is the engine (Grad-CAM at earlier stages needs gradients). */
  tfjs?: ResNet;
  close(): Promise<void>;
}

/** Which engine runs forward passes: onnxruntime unless tfjs is asked for (or a GPU backend is chosen under auto). */
export async function chooseEngine(model: Pick<ModelConfig, 'inference' | 'backend'>, logger?: Logger): Promise<'onnxruntime' | 'tfjs'> {
  if (model.inference === 'tfjs') return 'tfjs';
  if (model.inference === 'auto' && (model.backend === 'tensorflow' || model.backend === 'webgpu')) return 'tfjs';
  try {
    await loadOnnxRuntime();
    return 'onnxruntime';
  } catch (error) {
    if (model.inference === 'onnxruntime') throw error;
    logger?.warn(`${(error as Error).message}; forward passes run in TensorFlow.js`);
    return 'tfjs';
  }
}

export async function openForwardNetwork(
  path: string,
  model: Pick<ModelConfig, 'inference' | 'backend'>,
  options: { stageOutput?: number; logger?: Logger } = {},
): Promise<ForwardNetwork> {
  if ((await chooseEngine(model, options.logger)) === 'onnxruntime') {
    const net = await OnnxResNet.fromFile(path, { stageOutput: options.stageOutput });
    return { engine: 'onnxruntime', spec: net.spec, fcWeight: net.spec.classes === 1 ? net.fcWeight : undefined, run: (x, shape) => net.run(x, shape), close: () => net.release() };
  }
  const engine = await initBackend(model.backend);
  const net = await networkFromFile(path);
  const stage = options.stageOutput;
  if (stage !== undefined && (stage < 1 || stage > net.stages.length)) {
    net.model.dispose();
    throw new StudyError(`unknown layer 'layer${stage}': choose one of ${net.stages.map((_, i) => `layer${i + 1}`).join(', ')}`);
  }
  const model3 = stage ? tf.model({ inputs: net.input, outputs: [net.logits, net.features, net.stages[stage - 1]!] }) : net.model;
  const fc = net.model.getLayer('fc').getWeights()[0]!;
  const fcWeight = net.spec.classes === 1 ? ((await fc.data()) as Float32Array) : undefined;
  return {
    engine,
    spec: net.spec,
    fcWeight,
    tfjs: net,
    async run(x, shape) {
      const outputs = tf.tidy(() => {
        const out = model3.predict(tf.tensor4d(x, shape)) as tf.Tensor[];
        // Stage activations are NHWC in tfjs: NCHW as onnxruntime gives them.
        return stage ? [out[0]!, out[1]!, tf.transpose(out[2]!, [0, 3, 1, 2])] : out;
      });
      const [logits, features, activation] = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
      const result: OnnxForward = { logits: logits!, features: features! };
      if (activation) result.stage = { data: activation, shape: outputs[2]!.shape as [number, number, number, number] };
      tf.dispose(outputs);
      return result;
    },
    async close() {
      net.model.dispose();
    },
  };
}

/** Logits and pooled features of every image in an image cache, in cache order. */
export async function forwardCache(
  net: ForwardNetwork,
  cache: ImageCache,
  options: { batchSize?: number; onBatch?: (count: number) => void } = {},
): Promise<{ logits: Float32Array; features: Float32Array; dim: number }> {
  const batchSize = options.batchSize ?? 32;
  const dim = net.spec.outChannels[net.spec.outChannels.length - 1]!;
  const logits = new Float32Array(cache.count * net.spec.classes);
  const features = new Float32Array(cache.count * dim);
  for (let start = 0; start < cache.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, cache.count - start) }, (_, i) => start + i);
    const batch = readBatch(cache, indices);
    const out = await net.run(batch.x, batch.shape);
    logits.set(out.logits, start * net.spec.classes);
    features.set(out.features, start * dim);
    options.onBatch?.(indices.length);
  }
  return { logits, features, dim };
}

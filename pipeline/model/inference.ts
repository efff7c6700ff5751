/**
 * Forward-only passes of a trained network file, on the engine the configuration picks:
 * onnxruntime (the network as an ONNX graph, native multithreaded kernels) or TensorFlow.js
 * (model.backend). Evaluation, embeddings, prediction and the training's validation pass go
 * through here (Grad-CAM opens its own: explain/cam-network.ts).
 */
import type { Logger } from '../core/effects.ts';
import type { ModelConfig } from '../core/config-types.ts';
import { initBackend, tf } from './backend.ts';
import { OnnxResNet } from './onnx-resnet.ts';
import { loadOnnxRuntime } from '../core/onnx-runtime.ts';
import type { ResNetSpec } from './resnet.ts';
import { networkFromFile } from './weights.ts';
import type { ImageCache } from '../data/image-cache.ts';
import { readBatch } from '../data/batches.ts';
import * as msg from '../core/messages.ts';

export interface ForwardNetwork {
  /** 'onnxruntime', or the TensorFlow.js backend's name. */
  engine: string;
  spec: ResNetSpec;
  /** One NHWC batch: logits and pooled features. */
  run(x: Float32Array, shape: [number, number, number, number]): Promise<{ logits: Float32Array; features: Float32Array }>;
  close(): Promise<void>;
}

/** onnxruntime when it loads; a setting of "onnxruntime" makes its absence an error, "auto" falls back to tfjs with a warning. */
async function onnxUnlessMissing(setting: 'auto' | 'onnxruntime', what: 'forward passes' | 'training', logger?: Logger): Promise<'onnxruntime' | 'tfjs'> {
  try {
    await loadOnnxRuntime();
    return 'onnxruntime';
  } catch (error) {
    if (setting === 'onnxruntime') throw error;
    logger?.warn(msg.engineFallback((error as Error).message, what));
    return 'tfjs';
  }
}

/** Which engine runs forward passes: onnxruntime unless tfjs is asked for (or a GPU backend is chosen under auto). */
export async function chooseEngine(model: Pick<ModelConfig, 'inference' | 'backend'>, logger?: Logger): Promise<'onnxruntime' | 'tfjs'> {
  if (model.inference === 'tfjs') return 'tfjs';
  if (model.inference === 'auto' && (model.backend === 'tensorflow' || model.backend === 'webgpu')) return 'tfjs';
  return onnxUnlessMissing(model.inference, 'forward passes', logger);
}

/** What trains: model.engine, where auto means onnxruntime when it loads. */
export async function chooseTrainingEngine(model: Pick<ModelConfig, 'engine'>, logger?: Logger): Promise<'onnxruntime' | 'tfjs'> {
  return model.engine === 'tfjs' ? 'tfjs' : onnxUnlessMissing(model.engine, 'training', logger);
}

export async function openForwardNetwork(path: string, model: Pick<ModelConfig, 'inference' | 'backend'>, options: { logger?: Logger } = {}): Promise<ForwardNetwork> {
  if ((await chooseEngine(model, options.logger)) === 'onnxruntime') {
    const net = await OnnxResNet.fromFile(path);
    return { engine: 'onnxruntime', spec: net.spec, run: (x, shape) => net.run(x, shape), close: () => net.release() };
  }
  const engine = await initBackend(model.backend);
  const net = await networkFromFile(path);
  return {
    engine,
    spec: net.spec,
    async run(x, shape) {
      const outputs = tf.tidy(() => net.model.predict(tf.tensor4d(x, shape)) as tf.Tensor[]);
      const [logits, features] = (await Promise.all(outputs.map((t) => t.data()))) as Float32Array[];
      tf.dispose(outputs);
      return { logits: logits!, features: features! };
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

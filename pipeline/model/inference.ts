/**
 * Forward-only passes of a trained network file, on the engine the configuration picks:
 * onnxruntime (the network as an ONNX graph, native multithreaded kernels) or TensorFlow.js
 * (model.backend). Evaluation, embeddings, prediction and the training's validation pass go
 * through here (Grad-CAM opens its own: explain/cam-network.ts). The engine choices are made
 * here too, training's included, so that a stage records the engine it was given.
 */
import type { Logger } from '../core/effects.ts';
import type { ModelConfig } from '../core/config-types.ts';
import { initBackend, tf } from './backend.ts';
import { OnnxResNet } from './onnx-resnet.ts';
import { createSession, loadOnnxRuntime, type Device } from '../core/onnx-runtime.ts';
import { encodeModel, node, valueInfo } from '../core/onnx-graph.ts';
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

/** onnxruntime when it loads; a setting of "onnxruntime" makes its absence an error, "auto" falls back to tfjs with a warning (returned as `fallback`). */
async function onnxUnlessMissing(setting: 'auto' | 'onnxruntime', what: 'forward passes' | 'training', logger?: Logger): Promise<{ engine: 'onnxruntime' | 'tfjs'; fallback?: string }> {
  try {
    await loadOnnxRuntime();
    return { engine: 'onnxruntime' };
  } catch (error) {
    if (setting === 'onnxruntime') throw error;
    const fallback = msg.engineFallback((error as Error).message, what);
    logger?.warn(fallback);
    return { engine: 'tfjs', fallback };
  }
}

/** Which engine runs forward passes: onnxruntime unless tfjs is asked for (or a GPU backend is chosen under auto). */
export async function chooseEngine(model: Pick<ModelConfig, 'inference' | 'backend'>, logger?: Logger): Promise<'onnxruntime' | 'tfjs'> {
  if (model.inference === 'tfjs') return 'tfjs';
  if (model.inference === 'auto' && (model.backend === 'tensorflow' || model.backend === 'webgpu')) return 'tfjs';
  return (await onnxUnlessMissing(model.inference, 'forward passes', logger)).engine;
}

/** What trains and where, decided before training starts (so that run.json records what ran). */
export interface TrainingChoice {
  engine: 'onnxruntime' | 'tfjs';
  /** onnxruntime's execution provider; null when TensorFlow.js trains. */
  device: Device | null;
  /** Why the configured engine or device is not the one used (also a warning), or null. */
  fallback: string | null;
}

/**
 * What trains: model.engine, where auto means onnxruntime when it loads; and, for onnxruntime,
 * the device: model.device when its provider starts a session, else the CPU with a warning.
 */
export async function chooseTraining(model: Pick<ModelConfig, 'engine' | 'device'>, logger?: Logger): Promise<TrainingChoice> {
  const { engine, fallback } = model.engine === 'tfjs' ? { engine: 'tfjs' as const, fallback: undefined } : await onnxUnlessMissing(model.engine, 'training', logger);
  if (engine === 'tfjs') return { engine, device: null, fallback: fallback ?? null };
  if (model.device === 'cpu') return { engine, device: 'cpu', fallback: null };
  const why = await providerProblem(model.device);
  if (why === null) return { engine, device: model.device, fallback: null };
  const message = msg.deviceFallback(model.device, why);
  logger?.warn(message);
  return { engine, device: 'cpu', fallback: message };
}

/** Why onnxruntime cannot start a session on `device` (a one-node graph), or null when it can. */
async function providerProblem(device: Device): Promise<string | null> {
  const probe = encodeModel({ name: 'probe', node: [node('Relu', ['x'], 'y')], input: [valueInfo('x', [1])], output: [valueInfo('y', [1])] });
  try {
    const { session } = await createSession(probe, 1, device);
    await session.release();
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0]!.trim();
  }
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

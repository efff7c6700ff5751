/**
 * A network opened for Grad-CAM on the cheapest engine that computes it exactly: at the last
 * stage a forward pass suffices (CAM, see lastStageSignals), so onnxruntime runs it; earlier
 * stages need the gradient through the rest of the network, so TensorFlow.js runs them. Plain
 * scores (the deletion check's forward passes) go where inference goes (chooseEngine): with
 * TensorFlow.js computing the maps, an onnxruntime session is opened for them on first use.
 */
import type { Logger } from '../core/effects.ts';
import type { ModelConfig } from '../core/config-types.ts';
import { StudyError } from '../core/errors.ts';
import { initBackend, tf } from '../model/backend.ts';
import { chooseEngine } from '../model/inference.ts';
import { OnnxResNet } from '../model/onnx-resnet.ts';
import { readSafetensors } from '../model/safetensors.ts';
import { specFromTensors } from '../model/torch-layout.ts';
import { networkFromFile } from '../model/weights.ts';
import { camsFor, lastStageSignals, stageSignals, type CamSignals, type CamTarget, type GradCamResult } from './gradcam.ts';
import type { ExplainerId } from './explainer.ts';
import * as msg from '../core/messages.ts';

export interface CamNetwork {
  engine: string;
  /** The activations and target gradients of an NHWC batch, for any explainer; `target` per image, or each image's predicted class. */
  signals(x: Float32Array, shape: [number, number, number, number], target?: CamTarget | CamTarget[]): Promise<CamSignals>;
  /** One explainer's maps of an NHWC batch (Grad-CAM unless `method` says otherwise). */
  cams(x: Float32Array, shape: [number, number, number, number], target?: CamTarget | CamTarget[], method?: ExplainerId): Promise<GradCamResult>;
  /** The engine scores() runs on; null until the first call decides it (run.json's notes record it). */
  readonly scoredBy: string | null;
  /** P(sold) of an NHWC batch: the sigmoid of the single logit. */
  scores(x: Float32Array, shape: [number, number, number, number]): Promise<Float32Array>;
  close(): Promise<void>;
}

export async function openCamNetwork(path: string, layer: string, model: Pick<ModelConfig, 'inference' | 'backend'>, logger?: Logger): Promise<CamNetwork> {
  const { tensors } = await readSafetensors(path);
  const spec = specFromTensors(tensors, path);
  const match = /^layer([1-9])$/.exec(layer);
  const stage = match ? Number(match[1]) : 0;
  if (stage < 1 || stage > spec.blocks.length) {
    throw new StudyError(msg.unknownLayer(layer, spec.blocks.length));
  }
  if (stage === spec.blocks.length && spec.classes === 1 && (await chooseEngine(model, logger)) === 'onnxruntime') {
    const net = await OnnxResNet.fromTensors(tensors, path, { stageOutput: stage });
    const signals: CamNetwork['signals'] = async (x, shape, target) => {
      const out = await net.run(x, shape);
      return lastStageSignals(layer, out.stage!, net.fcWeight, out.logits, target);
    };
    return {
      engine: 'onnxruntime',
      signals,
      cams: async (x, shape, target, method) => camsFor(await signals(x, shape, target), method),
      scoredBy: 'onnxruntime',
      scores: async (x, shape) => sigmoid((await net.run(x, shape)).logits),
      close: () => net.release(),
    };
  }
  const engine = await initBackend(model.backend);
  const net = await networkFromFile(path);
  const signals: CamNetwork['signals'] = async (x, shape, target) => {
    const input = tf.tensor4d(x, shape);
    try {
      return await stageSignals(net, input, layer, target);
    } finally {
      input.dispose();
    }
  };
  // Opened on the first scores() call, so a map-only caller (study gradcam) never loads it.
  let scorer: Promise<OnnxResNet | null> | undefined;
  let scoredBy: string | null = null;
  const openScorer = async () => {
    const onnx = (await chooseEngine(model, logger)) === 'onnxruntime' ? await OnnxResNet.fromTensors(tensors, path) : null;
    scoredBy = onnx ? 'onnxruntime' : engine;
    return onnx;
  };
  return {
    engine,
    get scoredBy() {
      return scoredBy;
    },
    signals,
    cams: async (x, shape, target, method) => camsFor(await signals(x, shape, target), method),
    async scores(x, shape) {
      const onnx = await (scorer ??= openScorer());
      if (onnx) return sigmoid((await onnx.run(x, shape)).logits);
      const [logits, features] = tf.tidy(() => net.model.predict(tf.tensor4d(x, shape)) as tf.Tensor[]);
      try {
        return sigmoid((await logits!.data()) as Float32Array);
      } finally {
        tf.dispose([logits!, features!]);
      }
    },
    async close() {
      net.model.dispose();
      await (await scorer)?.release();
    },
  };
}

/** The network has one output (the logit of `sold`), so P(sold) is its sigmoid. */
function sigmoid(logits: Float32Array): Float32Array {
  return logits.map((z) => 1 / (1 + Math.exp(-z)));
}

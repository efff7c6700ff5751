/**
 * A network opened for Grad-CAM on the cheapest engine that computes it exactly: at the last
 * stage a forward pass suffices (CAM, see lastStageGradCam), so onnxruntime runs it; earlier
 * stages need the gradient through the rest of the network, so TensorFlow.js runs them.
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
import { gradCam, lastStageGradCam, type CamTarget, type GradCamResult } from './gradcam.ts';
import * as msg from '../core/messages.ts';

export interface CamNetwork {
  engine: string;
  /** Grad-CAM of an NHWC batch; `target` per image, or each image's predicted class. */
  cams(x: Float32Array, shape: [number, number, number, number], target?: CamTarget | CamTarget[]): Promise<GradCamResult>;
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
    return {
      engine: 'onnxruntime',
      async cams(x, shape, target) {
        const out = await net.run(x, shape);
        return lastStageGradCam(layer, out.stage!, net.fcWeight, out.logits, target);
      },
      close: () => net.release(),
    };
  }
  const engine = await initBackend(model.backend);
  const net = await networkFromFile(path);
  return {
    engine,
    async cams(x, shape, target) {
      const input = tf.tensor4d(x, shape);
      try {
        return await gradCam(net, input, layer, target);
      } finally {
        input.dispose();
      }
    },
    async close() {
      net.model.dispose();
    },
  };
}

/** Grad-CAM milliseconds per image for a ResNet50 at SIZE px on BACKEND (own process). */
import { initBackend, tf, type BackendName } from '../pipeline/model/backend.ts';
import { buildResNet, RESNET50 } from '../pipeline/model/resnet.ts';
import { camsFor, gradCam, lastStageSignals } from '../pipeline/explain/gradcam.ts';
import { OnnxResNet } from '../pipeline/model/onnx-resnet.ts';
import { exportTorchWeights } from '../pipeline/model/torch-layout.ts';

// BACKEND onnxruntime: the last stage's map from one forward pass (what the pipeline does there).
const [backend, sizeArg, layer] = process.argv.slice(2);
const size = Number(sizeArg);
await initBackend(backend === 'onnxruntime' ? 'wasm' : (backend as BackendName));
const net = buildResNet(RESNET50, 1);
const x = tf.randomNormal([8, size, size, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
const onnx = backend === 'onnxruntime' ? await OnnxResNet.fromTensors(await exportTorchWeights(net), 'bench', { stageOutput: Number(layer!.slice(5)) }) : undefined;
const pixels = (await x.data()) as Float32Array;
const once = async () => {
  if (!onnx) return gradCam(net, x, layer);
  const out = await onnx.run(pixels, [8, size, size, 3]);
  return camsFor(lastStageSignals(layer!, out.stage!, onnx.fcWeight, out.logits));
};
await once();
const started = performance.now();
const runs = 3;
for (let i = 0; i < runs; i++) await once();
console.log(JSON.stringify({ ms_per_image: (performance.now() - started) / (runs * 8) }));
process.exit(0);

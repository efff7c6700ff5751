/**
 * One model measurement in its own process (so peak RSS is its own):
 *   tsx bench/model-worker.ts BACKEND ARCH SIZE BATCH MODE STEPS
 * ARCH resnet50 | demo; MODE train | forward. BACKEND onnxruntime: the same network as ONNX
 * graphs in onnxruntime-node (forward, or the training-step graph with Adam). Prints one JSON line.
 */
import { OnnxTrainer } from '../pipeline/model/onnx-train/trainer.ts';
import { OnnxResNet } from '../pipeline/model/onnx-resnet.ts';
import { exportTorchWeights } from '../pipeline/model/torch-layout.ts';
import { initBackend, tf, type BackendName } from '../pipeline/model/backend.ts';
import { buildResNet, RESNET50 } from '../pipeline/model/resnet.ts';
import { specFromConfig } from '../pipeline/model/weights.ts';
import { bceWithLogits } from '../pipeline/model/loss.ts';
import { Adam } from '../pipeline/model/adam.ts';

const [backend, arch, sizeArg, batchArg, mode, stepsArg] = process.argv.slice(2);
const size = Number(sizeArg);
const batch = Number(batchArg);
const steps = Number(stepsArg ?? 3);
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

await initBackend(backend === 'onnxruntime' ? 'wasm' : (backend as BackendName));
const net = buildResNet(arch === 'resnet50' ? RESNET50 : specFromConfig([1, 1, 1, 1], 16), 1);
const onnx = backend === 'onnxruntime' && mode !== 'train' ? await OnnxResNet.fromTensors(await exportTorchWeights(net), 'bench') : undefined;
const trainer = backend === 'onnxruntime' && mode === 'train' ? await OnnxTrainer.create(await exportTorchWeights(net), net.spec, size, { learningRate: 1e-4, weightDecay: 1e-4, decoupled: false }) : undefined;
const trainInput = trainer ? ((await tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 5).data()) as Float32Array) : undefined;
const input = onnx ? ((await tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 5).data()) as Float32Array) : undefined;
const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 5);
const y = tf.ones([batch, 1]);
const trainable = new Map(net.model.trainableWeights.map((w) => [w.originalName, w.read() as tf.Variable]));
const adam = new Adam({ learningRate: 1e-4, weightDecay: 1e-4, decoupled: false });

const step = async () => {
  if (trainer) {
    await trainer.trainBatch([{ x: trainInput!, y: new Float32Array(batch).fill(1), count: batch }]);
  } else if (onnx) {
    await onnx.run(input!, [batch, size, size, 3]);
  } else if (mode === 'train') {
    const { value, grads } = tf.variableGrads(() => bceWithLogits((net.model.apply(x, { training: true }) as tf.Tensor[])[0]!, y), [...trainable.values()]);
    const byName = new Map([...trainable].map(([n, v]) => [n, grads[v.name]!]));
    adam.apply(trainable, byName);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  } else {
    const out = tf.tidy(() => (net.model.predict(x) as tf.Tensor[])[0]!);
    await out.data();
    out.dispose();
  }
  peak = Math.max(peak, process.memoryUsage().rss);
};
// Warm-up: kernels compiled, memory allocated, the allocator settled (onnxruntime's first
// training steps run up to 1.5x slower than its later ones).
for (let i = 0; i < 3; i++) await step();
const started = performance.now();
for (let i = 0; i < steps; i++) await step();
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
console.log(JSON.stringify({ backend, arch, size, batch, mode, img_per_s: (steps * batch) / seconds, peak_rss_mb: Math.round(peak / 2 ** 20) }));
process.exit(0);

/** Grad-CAM milliseconds per image for a ResNet50 at SIZE px on BACKEND (own process). */
import { initBackend, tf, type BackendName } from '../pipeline/model/backend.ts';
import { buildResNet, RESNET50 } from '../pipeline/model/resnet.ts';
import { gradCam } from '../pipeline/explain/gradcam.ts';

const [backend, sizeArg, layer] = process.argv.slice(2);
const size = Number(sizeArg);
await initBackend(backend as BackendName);
const net = buildResNet(RESNET50, 1);
const x = tf.randomNormal([8, size, size, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
await gradCam(net, x, layer);
const started = performance.now();
const runs = 3;
for (let i = 0; i < runs; i++) await gradCam(net, x, layer);
console.log(JSON.stringify({ ms_per_image: (performance.now() - started) / (runs * 8) }));
process.exit(0);

/**
 * The TensorFlow.js backend, chosen at run time: `tensorflow` (tfjs-node-gpu, then tfjs-node,
 * when the user has installed them: their install scripts download libtensorflow, so they are
 * not dependencies), then `wasm` (with the gradient kernels it lacks, registered by
 * wasm-kernels.ts), then `cpu`. `webgpu` is opt-in (`--backend webgpu`, after installing
 * @tensorflow/tfjs-backend-webgpu and webgpu). No tensor may exist before the backend is set.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
// The @tensorflow/tfjs bundle, not tfjs-core alone: only it registers the gradients in Node
// (tfjs-core's register_all_gradients is ESM with directory imports, which Node refuses).
import * as tf from '@tensorflow/tfjs';
import { StudyError } from '../core/errors.ts';

import type { BackendName } from './backend-names.ts';
import * as msg from '../core/messages.ts';
export { BACKENDS, type BackendName } from './backend-names.ts';
const AUTO_ORDER: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let active: BackendName | undefined;

async function tryImport(name: string): Promise<boolean> {
  try {
    await import(name);
    return true;
  } catch {
    return false;
  }
}

async function prepare(name: BackendName): Promise<string | undefined> {
  switch (name) {
    case 'tensorflow':
      // tfjs-node(-gpu) register the 'tensorflow' backend when imported.
      if ((await tryImport('@tensorflow/tfjs-node-gpu')) || (await tryImport('@tensorflow/tfjs-node'))) return undefined;
      return 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed (docs/model.md, Backends and GPUs)';
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      // Emscripten reads the .wasm file itself in Node (platform fetch needs URLs).
      wasm.setWasmPaths(join(dist, '/'));
      const { registerWasmGradientKernels } = await import('./wasm-kernels.ts');
      registerWasmGradientKernels();
      return undefined;
    }
    case 'webgpu':
      if (await tryImport('@tensorflow/tfjs-backend-webgpu')) return undefined;
      return '@tensorflow/tfjs-backend-webgpu is not installed (npm install @tensorflow/tfjs-backend-webgpu webgpu)';
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return undefined;
  }
}

/**
 * The wasm backend on every core (the threaded SIMD build, wasm-threads.ts) unless
 * STUDY_WASM_THREADS says how many (1: the single-threaded build tfjs uses in Node).
 */
async function startWasm(start: () => Promise<boolean>): Promise<boolean> {
  const threads = Number(process.env.STUDY_WASM_THREADS ?? availableParallelism());
  if (!Number.isInteger(threads) || threads < 1) throw new StudyError(msg.wasmThreads(process.env.STUDY_WASM_THREADS));
  if (threads === 1) return start();
  const { setThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const { withWasmThreads } = await import('./wasm-threads.ts');
  return withWasmThreads(tf, threads, setThreadsCount, start);
}

/** Sets the backend (`auto`: the fastest available) and returns its name. Idempotent. */
export async function initBackend(requested: BackendName | 'auto' = 'auto'): Promise<BackendName> {
  if (active && (requested === 'auto' || requested === active)) return active;
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested];
  const reasons: string[] = [];
  for (const name of candidates) {
    const problem = await prepare(name);
    if (problem) {
      reasons.push(`${name}: ${problem}`);
      continue;
    }
    try {
      const start = async () => (await tf.setBackend(name)) && (await tf.ready(), true);
      if (await (name === 'wasm' ? startWasm(start) : start())) {
        active = name;
        return name;
      }
      reasons.push(`${name}: the backend failed to initialise`);
    } catch (error) {
      reasons.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new StudyError(msg.noTfjsBackend(reasons));
}

export { tf };

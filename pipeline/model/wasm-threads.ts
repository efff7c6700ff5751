/**
 * tfjs-backend-wasm's threaded SIMD build in Node. tfjs turns threads off in Node
 * (WASM_HAS_MULTITHREAD_SUPPORT is false there), though the package ships the build; three
 * things stand in the way, each handled here for the duration of the backend's start-up:
 *  - the flag: set to true before the backend starts;
 *  - the pthread workers: Emscripten starts them from a Blob URL, which Node's Worker cannot
 *    load, so createObjectURL hands out wasm-pthread-worker.cjs for that Blob;
 *  - a cap: the backend allows emscripten_num_logical_cores() / 2 threads (1 on two cores), so
 *    os.cpus() reports twice the cores while the backend starts;
 * and its workers are unref'd, so that they do not keep a finished process alive.
 * Outputs are identical to the single-threaded build (XNNPACK splits work, not sums).
 * Depends on tfjs-backend-wasm 4.22.0 internals: the version is pinned.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { tf as TfType } from './backend.ts';

const WORKER = fileURLToPath(new URL('./wasm-pthread-worker.cjs', import.meta.url));

/** Runs `start` (which sets and readies the wasm backend) with threads enabled. */
export async function withWasmThreads<T>(tf: typeof TfType, threads: number, setThreadsCount: (n: number) => void, start: () => Promise<T>): Promise<T> {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (object: Blob) => (object instanceof Blob && object.type === 'application/javascript' ? WORKER : createObjectURL(object));
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    const result = await start();
    // Emscripten's pthread workers hold the event loop open: a finished command would never exit.
    const pthreads = (tf.backend() as unknown as { wasm?: { PThread?: { runningWorkers: Worker[]; unusedWorkers: Worker[] } } }).wasm?.PThread;
    for (const worker of [...(pthreads?.runningWorkers ?? []), ...(pthreads?.unusedWorkers ?? [])]) worker.unref();
    return result;
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}

/**
 * onnxruntime-node, loaded once, and sessions made the one way this project runs them: every
 * core for one operator at a time, full graph optimisation, and no spinning worker threads
 * (spinning threads steal the CPU from everything else in the process).
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { StudyError } from './errors.ts';

type OnnxRuntime = typeof import('onnxruntime-node');
let runtime: Promise<OnnxRuntime> | undefined;

/** onnxruntime-node, or a clear error naming what is missing. */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  runtime ??= import('onnxruntime-node').catch((error: Error) => {
    runtime = undefined;
    throw new StudyError(`onnxruntime-node cannot be loaded (${error.message}); set model.inference to "tfjs" to run forward passes in TensorFlow.js`);
  });
  return runtime;
}

export async function createSession(model: Uint8Array, threads = availableParallelism()): Promise<{ ort: OnnxRuntime; session: InferenceSession }> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return { ort, session };
}

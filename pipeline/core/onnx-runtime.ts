/**
 * onnxruntime-node, loaded once, and sessions made the one way this project runs them: every
 * core for one operator at a time, full graph optimisation, and no spinning worker threads
 * (spinning threads steal the CPU from everything else in the process).
 */
import { availableParallelism } from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';
import { StudyError } from './errors.ts';
import * as msg from './messages.ts';

type OnnxRuntime = typeof import('onnxruntime-node');
let runtime: Promise<OnnxRuntime> | undefined;

/** onnxruntime-node, or a clear error naming what is missing. */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  runtime ??= import('onnxruntime-node').catch((error: Error) => {
    runtime = undefined;
    throw new StudyError(msg.onnxUnavailable(error.message));
  });
  return runtime;
}

/** An onnxruntime execution provider: the CPU's, or a GPU's (webgpu is bundled on Linux x64; cuda needs installing). */
export type Device = 'cpu' | 'webgpu' | 'cuda';

export async function createSession(model: Uint8Array, threads = availableParallelism(), device: Device = 'cpu'): Promise<{ ort: OnnxRuntime; session: InferenceSession }> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(model, {
    executionProviders: device === 'cpu' ? ['cpu'] : [device, 'cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return { ort, session };
}

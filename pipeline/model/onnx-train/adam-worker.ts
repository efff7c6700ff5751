/**
 * The worker half of the CPU Adam update (adam-threads.ts): it receives tensors by transfer,
 * updates them in place with the same fused pass as the main thread, and transfers them back.
 */
import { parentPort } from 'node:worker_threads';
import { fusedAdamUpdate } from './fused-adam.ts';
import type { AdamJob } from './adam-threads.ts';

parentPort!.on('message', (job: AdamJob) => {
  for (const t of job.tensors) fusedAdamUpdate(t.w, t.g, t.m, t.v, job.adam, job.step);
  parentPort!.postMessage(job, job.tensors.flatMap((t) => [t.w.buffer, t.g.buffer, t.m.buffer, t.v.buffer]) as ArrayBuffer[]);
});

/** Worker threads that share t-SNE's force computation over SharedArrayBuffers. */
import { startTsWorker } from '../core/ts-worker.ts';
import type { RepulsionTask } from './tsne-worker.ts';

/** Below this many points a helper thread costs more than it saves. */
export const PARALLEL_MIN_POINTS = 2000;

/** A worker thread computing the repulsion of a range of points, one task at a time. */
export class RepulsionHelper {
  private readonly worker = startTsWorker(new URL('./tsne-worker.ts', import.meta.url));
  private failure: Error | undefined;

  constructor() {
    this.worker.on('error', (error) => (this.failure = error));
  }

  run(task: RepulsionTask): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', () => {
        this.worker.off('error', onError);
        resolve();
      });
      this.worker.postMessage(task);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

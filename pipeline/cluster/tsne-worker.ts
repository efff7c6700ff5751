/** A helper thread of t-SNE: the Barnes-Hut repulsion of a range of points (see tsne.ts). */
import { parentPort } from 'node:worker_threads';
import { repulseRange, type TreeArrays } from './tsne.ts';

export interface RepulsionTask {
  tree: TreeArrays;
  y: Float64Array;
  from: number;
  to: number;
  theta2: number;
  rep: Float64Array;
  zs: Float64Array;
}

parentPort!.on('message', (task: RepulsionTask) => {
  repulseRange(task.tree, task.y, task.from, task.to, task.theta2, task.rep, task.zs);
  parentPort!.postMessage(0);
});

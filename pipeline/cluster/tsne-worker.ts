/** A helper thread of t-SNE: the forces on a range of points (see tsne.ts). */
import { parentPort } from 'node:worker_threads';
import { attractRange, type Sparse } from './tsne-affinities.ts';
import { repulseRange, type TreeArrays } from './tsne-tree.ts';

export interface RepulsionTask {
  tree: TreeArrays;
  y: Float64Array;
  /** The points in the order to visit them; this task takes order[from..to). */
  order: Int32Array;
  from: number;
  to: number;
  theta2: number;
  rep: Float64Array;
  zs: Float64Array;
  P: Sparse;
  exaggeration: number;
  attr: Float64Array;
}

parentPort!.on('message', (task: RepulsionTask) => {
  repulseRange(task.tree, task.y, task.order, task.from, task.to, task.theta2, task.rep, task.zs);
  attractRange(task.P, task.y, task.order, task.from, task.to, task.exaggeration, task.attr);
  parentPort!.postMessage(0);
});

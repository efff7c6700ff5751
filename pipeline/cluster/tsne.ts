/**
 * Barnes-Hut t-SNE (van der Maaten, 2014), following scikit-learn's defaults:
 *  - PCA to 50 dimensions first when the input is wider (pca.ts);
 *  - exact nearest neighbours (k = int(3 * perplexity + 1)) by brute force in onnxruntime (a
 *    vantage-point tree without it), and per-point
 *    Gaussian bandwidths found by binary search to match the perplexity; P symmetrised, sparse;
 *  - initialisation by PCA, scaled to a standard deviation of 1e-4;
 *  - 1,000 iterations, early exaggeration 12 for the first 250 with momentum 0.5, then 0.8;
 *    learning rate max(N / 12 / 4, 50); per-coordinate gains (+0.2 / x0.8, at least 0.01),
 *    both phases starting from zero momentum and unit gains as scikit-learn's two descents do;
 *  - repulsion over a quadtree: a cell whose size / distance < theta acts as one point.
 */
import { availableParallelism } from 'node:os';
import { Matrix } from './distances.ts';
import { pca } from './pca.ts';
import { StudyError } from '../core/errors.ts';
import { nearestNeighbours } from './tsne-neighbours.ts';
import { attractRange, conditionalP, symmetrise, type Sparse } from './tsne-affinities.ts';
import { mortonOrder, QuadTree, repulseRange } from './tsne-tree.ts';
import { PARALLEL_MIN_POINTS, RepulsionHelper } from './tsne-threads.ts';
import * as msg from '../core/messages.ts';

export interface TsneOptions {
  perplexity?: number;
  /** Reduce to this many dimensions by PCA first when wider; 0 turns it off. */
  pcaDimensions?: number;
  iterations?: number;
  theta?: number;
  seed?: number;
  /** Threads for the repulsion (default: every core); results do not depend on it. */
  threads?: number;
  onIteration?: (iteration: number, total: number) => void;
}

/** Initialisation: the first two principal components, scaled to std 1e-4 (scikit-learn's 'pca'). */
async function pcaStart(x: Matrix): Promise<Float64Array> {
  const n = x.rows;
  const init = (await pca(x, 2)).projected;
  const start = new Float64Array(n * 2);
  let sd = 0;
  for (let i = 0; i < n; i++) sd += init.data[i * 2]! ** 2;
  sd = Math.sqrt(sd / n) || 1;
  for (let i = 0; i < n * 2; i++) start[i] = (init.data[i]! / sd) * 1e-4;
  return start;
}

/** A copy of P in shared memory, for the worker threads. */
function sharedSparse(P: Sparse): Sparse {
  const copy: Sparse = {
    rowStart: new Int32Array(new SharedArrayBuffer(P.rowStart.byteLength)),
    columns: new Int32Array(new SharedArrayBuffer(P.columns.byteLength)),
    values: new Float64Array(new SharedArrayBuffer(P.values.byteLength)),
  };
  copy.rowStart.set(P.rowStart);
  copy.columns.set(P.columns);
  copy.values.set(P.values);
  return copy;
}

/** [N][2] coordinates, in input order. */
export async function tsne(rows: number[][] | Matrix, options: TsneOptions = {}): Promise<number[][]> {
  let x = rows instanceof Matrix ? rows : Matrix.from(rows);
  const n = x.rows;
  const perplexity = options.perplexity ?? 30;
  if (n <= 3 * perplexity) {
    throw new StudyError(msg.tsneTooFewPoints(n, perplexity));
  }
  const pcaDims = options.pcaDimensions ?? 50;
  if (pcaDims > 0 && x.cols > pcaDims) x = (await pca(x, pcaDims)).projected;
  // scikit-learn: min(n - 1, int(3 * perplexity + 1)) neighbours.
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const { indices, distances } = await nearestNeighbours(x, k, options.seed ?? 0);
  const P = symmetrise(conditionalP(distances, n, k, perplexity), indices, n, k);

  const start = await pcaStart(x);

  const iterations = options.iterations ?? 1000;
  const exaggerationIterations = Math.min(250, iterations);
  const learningRate = Math.max(n / 12 / 4, 50);
  const theta2 = (options.theta ?? 0.5) ** 2;
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const grad = new Float64Array(n * 2);
  // Worker threads share the repulsion work on large inputs (the quadtree is built here).
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), availableParallelism()));
  const helpers = n >= PARALLEL_MIN_POINTS && threads > 1 ? Array.from({ length: threads - 1 }, () => new RepulsionHelper()) : [];
  const shared = (length: number) => new Float64Array(helpers.length ? new SharedArrayBuffer(length * 8) : new ArrayBuffer(length * 8));
  const y = shared(n * 2);
  y.set(start);
  const repulsion = shared(n * 2);
  const attraction = shared(n * 2);
  const zs = shared(n);
  const order = new Int32Array(helpers.length ? new SharedArrayBuffer(n * 4) : new ArrayBuffer(n * 4));
  const sharedP = helpers.length ? sharedSparse(P) : P;
  const quadtree = new QuadTree(y, n, helpers.length > 0);
  try {
    for (let iteration = 0; iteration < iterations; iteration++) {
      // scikit-learn runs the two phases as two gradient descents: the second starts afresh.
      if (iteration === exaggerationIterations) {
        update.fill(0);
        gains.fill(1);
      }
      const exaggeration = iteration < exaggerationIterations ? 12 : 1;
      const momentum = iteration < exaggerationIterations ? 0.5 : 0.8;
      const tree = quadtree.build();
      // Neighbouring points walk the same cells: visiting them in spatial (Morton) order keeps
      // the tree in cache. Positions move slowly, so the order is refreshed every 10 iterations.
      if (iteration % 10 === 0) mortonOrder(y, n, order);
      // The helpers take the later ranges; this thread takes the first.
      const chunk = Math.ceil(n / (helpers.length + 1));
      const pending = helpers.map((worker, h) =>
        worker.run({ tree, y, order, from: Math.min(n, (h + 1) * chunk), to: Math.min(n, (h + 2) * chunk), theta2, rep: repulsion, zs, P: sharedP, exaggeration, attr: attraction }),
      );
      repulseRange(tree, y, order, 0, Math.min(n, chunk), theta2, repulsion, zs);
      attractRange(sharedP, y, order, 0, Math.min(n, chunk), exaggeration, attraction);
      await Promise.all(pending);
      let z = 0;
      for (let i = 0; i < n; i++) z += zs[i]!;
      for (let i = 0; i < n * 2; i++) grad[i] = 4 * (attraction[i]! - repulsion[i]! / z);
      for (let i = 0; i < n * 2; i++) {
        // scikit-learn's rule: a gain grows where the step turned against the gradient.
        gains[i] = Math.max(0.01, update[i]! * grad[i]! < 0 ? gains[i]! + 0.2 : gains[i]! * 0.8);
        update[i] = momentum * update[i]! - learningRate * gains[i]! * grad[i]!;
        y[i] += update[i]!;
      }
      options.onIteration?.(iteration + 1, iterations);
    }
  } finally {
    await Promise.all(helpers.map((h) => h.close()));
  }
  return Array.from({ length: n }, (_, i) => [y[2 * i]!, y[2 * i + 1]!]);
}

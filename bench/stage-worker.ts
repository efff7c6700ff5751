/**
 * One preprocessing or clustering measurement in its own process, so its peak RSS is its own
 * (the figure includes Node, the modules it loads and any worker threads):
 *   tsx bench/stage-worker.ts preprocess DIR COUNT DECODER CONCURRENCY
 *   tsx bench/stage-worker.ts tsne N SAMPLE      (writes bench/out/tsne-N.npy for the anchor)
 *   tsx bench/stage-worker.ts kmeans N           (writes bench/out/kmeans.npy for the anchor)
 * Prints one JSON line.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeToRgb, type Decoder } from '../pipeline/data/preprocess.ts';
import { mapOrdered } from '../pipeline/core/concurrency.ts';
import { tsne } from '../pipeline/cluster/tsne.ts';
import { trustworthiness } from '../pipeline/cluster/trustworthiness.ts';
import { kmeans } from '../pipeline/cluster/kmeans.ts';
import { distanceEngine, Matrix } from '../pipeline/cluster/distances.ts';
import { blobs, trustSample, writeNpy } from './arrays.ts';

const out = join(fileURLToPath(new URL('..', import.meta.url)), 'bench', 'out');
const [mode, ...args] = process.argv.slice(2);
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function preprocess(dir: string, count: number, decoder: Decoder, concurrency: number) {
  const files = (await readdir(dir)).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, count).map((f) => join(dir, f));
  const pass = async (paths: string[]) => {
    const started = performance.now();
    for await (const _ of mapOrdered(paths, concurrency, (p) => decodeToRgb(p, { size: 96, fit: 'cover', maxPixels: 1e8, decoder }))) void _;
    return paths.length / ((performance.now() - started) / 1000);
  };
  await pass(files.slice(0, 20)); // warm-up
  // A pass over 400 photos lasts a fraction of a second: the median of three steadies it.
  const rates = [await pass(files), await pass(files), await pass(files)].sort((a, b) => a - b);
  return { images: files.length, img_per_s: rates[1]! };
}

async function runTsne(n: number, sampleSize: number) {
  const points = blobs(n, 50, 10, n);
  await mkdir(out, { recursive: true });
  await writeNpy(join(out, `tsne-${n}.npy`), points);
  const started = performance.now();
  const y = await tsne(points, { seed: 0 });
  const seconds = (performance.now() - started) / 1000;
  const sample = trustSample(n, sampleSize);
  return { seconds, trustworthiness: trustworthiness(sample.map((i) => points[i]!), sample.map((i) => y[i]!), 10), sample: sample.length };
}

async function runKmeans(n: number) {
  const data = blobs(n, 512, 8, 7);
  await mkdir(out, { recursive: true });
  await writeNpy(join(out, 'kmeans.npy'), data);
  const x = Matrix.from(data);
  const started = performance.now();
  const distances = await distanceEngine(x); // inside the timing: the session and the float32 copy count
  const inertia: Record<number, number> = {};
  for (let k = 2; k <= 10; k++) inertia[k] = (await kmeans(x, k, { restarts: 1, seed: 0, distances })).inertia;
  return { n, seconds: (performance.now() - started) / 1000, inertia };
}

const result =
  mode === 'preprocess' ? await preprocess(args[0]!, Number(args[1]), args[2] as Decoder, Number(args[3]))
  : mode === 'tsne' ? await runTsne(Number(args[0]), Number(args[1]))
  : mode === 'kmeans' ? await runKmeans(Number(args[0]))
  : undefined;
if (!result) throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify({ ...result, peak_rss_mb: peakMb() }));
process.exit(0);

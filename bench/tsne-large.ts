/**
 * t-SNE at the largest sizes, with peak memory, beside scikit-learn (when installed):
 *   npx tsx bench/tsne-large.ts [N ...]   (default 62500; several minutes per size per side)
 * Writes bench/results-tsne-large.json and .md.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsne } from '../pipeline/cluster/tsne.ts';
import { trustworthiness } from '../pipeline/cluster/trustworthiness.ts';
import { atBestThreads, pythonHas, runPython } from './anchors.ts';
import { blobs, trustSample, writeNpy } from './arrays.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });



const lines = ['| points | ours | peak RSS | scikit-learn (best of 1 and all threads) | peak RSS | time ratio (scikit-learn / ours: above 1, ours faster) |', '|---|---|---|---|---|---|'];
const results: Record<string, unknown> = {};
for (const n of sizes.length ? sizes : [62500]) {
  const points = blobs(n, 50, 10, n);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t0 = performance.now();
  const y = await tsne(points, { seed: 0 });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const sample = trustSample(n, 2000);
  const trust = trustworthiness(sample.map((i) => points[i]!), sample.map((i) => y[i]!), 10);
  const entry: Record<string, number> = { seconds, trustworthiness: trust, peak_rss_mb: peak / 2 ** 20 };
  let sk = '| skipped | | ';
  if (pythonHas('sklearn')) {
    await mkdir(join(root, 'bench', 'out'), { recursive: true });
    const file = join(root, 'bench', 'out', `tsne-${n}.npy`);
    await writeNpy(file, points);
    const script = await readFile(join(root, 'bench', 'cluster_anchor.py'), 'utf8');
    const r = atBestThreads((threads) => runPython(script, [String(threads), 'tsne', file]), (a, b) => a.seconds! < b.seconds!);
    Object.assign(entry, { sklearn_seconds: r.seconds, sklearn_trustworthiness: r.trustworthiness, sklearn_peak_rss_mb: r.peak_rss_mb, sklearn_threads: r.threads });
    sk = `| ${fmt(r.seconds!, 1)} s (${r.threads} threads), trustworthiness ${fmt(r.trustworthiness!, 3)} | ${fmt(r.peak_rss_mb!)} MB | ${fmt(r.seconds! / seconds, 2)}x`;
  }
  results[n] = entry;
  lines.push(`| ${fmt(n)} | ${fmt(seconds, 1)} s, trustworthiness ${fmt(trust, 3)} | ${fmt(entry.peak_rss_mb!)} MB ${sk} |`);
  console.log(lines[lines.length - 1]);
}
await writeFile(join(root, 'bench', 'results-tsne-large.json'), JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
await writeFile(join(root, 'bench', 'results-tsne-large.md'), lines.join('\n') + '\n');

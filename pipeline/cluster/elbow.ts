/** The elbow: KMeans over a range of K, and the K at the curve's knee (Kneedle) when it has one. */
import { kmeans, type KMeansOptions, type KMeansResult } from './kmeans.ts';
import { distanceEngine, type Matrix } from './distances.ts';

/**
 * Kneedle (Satopaa et al., 2011) on a decreasing elbow curve: both axes scaled to [0, 1], the
 * knee is the K where the difference curve (1 - inertia) - K is largest (ties: the smallest K).
 * It counts as a knee only when that peak rises above kneed's threshold at its default
 * sensitivity (S = 1: the mean spacing of the scaled Ks); a flat, straight or concave curve, or
 * fewer than three points, has none and gives null.
 */
export function kneedle(points: { k: number; inertia: number }[]): number | null {
  if (points.length < 3) return null;
  const ks = points.map((p) => p.k);
  const ys = points.map((p) => p.inertia);
  const [kMin, kMax, yMin, yMax] = [Math.min(...ks), Math.max(...ks), Math.min(...ys), Math.max(...ys)];
  if (yMax - yMin <= 1e-12 * Math.max(1, Math.abs(yMax)) || kMax === kMin) return null;
  let best = points[0]!.k;
  let bestDiff = -Infinity;
  for (const p of points) {
    const diff = 1 - (p.inertia - yMin) / (yMax - yMin) - (p.k - kMin) / (kMax - kMin);
    if (diff > bestDiff) ((bestDiff = diff), (best = p.k));
  }
  const threshold = 1 / (points.length - 1);
  return bestDiff > threshold ? best : null;
}

/** How K came out of the elbow: at its knee, or the smallest K tried when the curve has none. */
export type ElbowMethod = 'kneedle' | 'no_knee_fallback';

export async function elbow(x: Matrix, ks: number[], options: KMeansOptions = {}) {
  const engine = options.distances ?? (await distanceEngine(x));
  const results: KMeansResult[] = [];
  try {
    for (const k of ks) results.push(await kmeans(x, k, { ...options, distances: engine }));
  } finally {
    if (!options.distances) await engine.close?.();
  }
  const curve = results.map((r) => ({ k: r.k, inertia: r.inertia }));
  const knee = kneedle(curve);
  const chosen = knee ?? Math.min(...ks);
  const method: ElbowMethod = knee === null ? 'no_knee_fallback' : 'kneedle';
  return { elbow: curve, chosen_k: chosen, knee_k: knee, method, result: results.find((r) => r.k === chosen)! };
}

/**
 * The photos the demo's backbone may learn from: garment photos of the clothing dataset that
 * share no photo and no contributor with the demo manifest, split into training and held-out
 * parts by contributor. Pure functions over rows, so the checks run on made-up manifests.
 */
import { keyedUniform } from '../../pipeline/core/random.ts';

export interface SourceRow {
  image: string;
  sender_id: string;
  label: string;
}

export interface DemoRow {
  id: string;
  image: string;
  sender_id: string;
}

/** Labels that name no garment. */
export const NOT_GARMENTS = new Set(['Not sure', 'Other', 'Skip']);

const stem = (image: string) => image.replace(/^.*\//, '').replace(/\.[a-z]+$/i, '');

/** Garment rows sharing no photo (by image id) and no contributor with the demo. */
export function backbonePool(source: SourceRow[], demo: DemoRow[]): SourceRow[] {
  const photos = new Set(demo.flatMap((r) => [r.id, stem(r.image)]));
  const senders = new Set(demo.map((r) => r.sender_id));
  return source.filter((r) => !NOT_GARMENTS.has(r.label) && !photos.has(stem(r.image)) && !senders.has(r.sender_id));
}

/** Throws, naming the first overlap, unless `pool` and the demo share no photo and no contributor. */
export function assertDisjoint(pool: SourceRow[], demo: DemoRow[]): { photos: number; contributors: number } {
  const photos = new Set(demo.flatMap((r) => [r.id, stem(r.image)]));
  const senders = new Set(demo.map((r) => r.sender_id));
  for (const r of pool) {
    if (photos.has(stem(r.image))) throw new Error(`photo ${r.image} is in the demo`);
    if (senders.has(r.sender_id)) throw new Error(`contributor ${r.sender_id} (photo ${r.image}) has photos in the demo`);
  }
  return { photos: pool.length, contributors: new Set(pool.map((r) => r.sender_id)).size };
}

/**
 * Held-out contributors: in a seeded order, each joins the held-out part while that keeps it
 * within `fraction` of the photos (at least one contributor is held out).
 */
export function holdOutContributors(pool: SourceRow[], fraction: number, seed: number): { train: SourceRow[]; heldOut: SourceRow[] } {
  const counts = new Map<string, number>();
  for (const r of pool) counts.set(r.sender_id, (counts.get(r.sender_id) ?? 0) + 1);
  const order = [...counts.keys()].sort((a, b) => keyedUniform(seed, 'backbone-holdout', a) - keyedUniform(seed, 'backbone-holdout', b));
  const held = new Set<string>();
  let total = 0;
  for (const sender of order) {
    const n = counts.get(sender)!;
    if (held.size > 0 && total + n > fraction * pool.length) continue;
    held.add(sender);
    total += n;
  }
  return { train: pool.filter((r) => !held.has(r.sender_id)), heldOut: pool.filter((r) => held.has(r.sender_id)) };
}

/**
 * 64-bit difference hash (dHash): the photo as a 9x8 greyscale thumbnail, one bit per
 * horizontally adjacent pair (is the left pixel brighter?). Robust to resizing, recompression
 * and small colour shifts, so the same item photographed or uploaded twice hashes within a few
 * bits. Near-duplicates are found by multi-index hashing: two hashes within distance d share at
 * least one of d+1 disjoint bit-chunks exactly, so only rows sharing a chunk are compared.
 */
export function dhashFromGrey9x8(pixels: Uint8Array): bigint {
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      hash = (hash << 1n) | (pixels[y * 9 + x]! > pixels[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return hash;
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let count = 0;
  while (x) {
    x &= x - 1n;
    count++;
  }
  return count;
}

export interface NearDuplicatePair {
  a: number;
  b: number;
  distance: number;
}

/** Every pair (a < b, indices into `hashes`) whose hashes differ in at most `maxDistance` bits. */
export function findNearDuplicates(hashes: bigint[], maxDistance: number): NearDuplicatePair[] {
  const chunks = maxDistance + 1;
  const bounds = Array.from({ length: chunks + 1 }, (_, i) => Math.round((i * 64) / chunks));
  const seen = new Set<string>();
  const pairs: NearDuplicatePair[] = [];
  for (let c = 0; c < chunks; c++) {
    const width = BigInt(bounds[c + 1]! - bounds[c]!);
    const shift = BigInt(bounds[c]!);
    const mask = (1n << width) - 1n;
    const buckets = new Map<bigint, number[]>();
    hashes.forEach((h, i) => {
      const key = (h >> shift) & mask;
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    });
    for (const bucket of buckets.values()) {
      for (let i = 0; i < bucket.length; i++) {
        for (let j = i + 1; j < bucket.length; j++) {
          const a = bucket[i]!, b = bucket[j]!;
          const key = `${a},${b}`;
          if (seen.has(key)) continue;
          const distance = hammingDistance(hashes[a]!, hashes[b]!);
          if (distance <= maxDistance) {
            seen.add(key);
            pairs.push({ a, b, distance });
          }
        }
      }
    }
  }
  return pairs.sort((x, y) => x.a - y.a || x.b - y.b);
}

/**
 * 64-bit perceptual hash (pHash): the photo as a 32x32 greyscale thumbnail, its 8x8 lowest
 * DCT frequencies, one bit per coefficient: is it above the median of the 63 AC coefficients.
 * Re-encoding and resizing the same photo moves it by at most ~4 bits; different garments on
 * the same backdrop stay apart, which a 9x8 difference hash (tried first) did not manage on
 * the demo photos. Near-duplicates are found by multi-index hashing: two hashes within
 * distance d share at least one of d+1 disjoint bit-chunks exactly, so only rows sharing a
 * chunk are compared.
 */
export const PHASH_SIDE = 32;
const LOW = 8;
const COSINES = Array.from({ length: LOW }, (_, u) =>
  Float64Array.from({ length: PHASH_SIDE }, (_, x) => Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIDE))),
);

/** `pixels`: PHASH_SIDE x PHASH_SIDE greyscale, row-major. */
export function phashFromGrey(pixels: Uint8Array): bigint {
  const N = PHASH_SIDE;
  // A separable DCT-II, computing only the LOW x LOW frequencies that are kept.
  const rows = new Float64Array(N * LOW);
  for (let y = 0; y < N; y++) {
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      const cos = COSINES[u]!;
      for (let x = 0; x < N; x++) sum += pixels[y * N + x]! * cos[x]!;
      rows[y * LOW + u] = sum;
    }
  }
  const coefficients = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    const cos = COSINES[v]!;
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < N; y++) sum += rows[y * LOW + u]! * cos[y]!;
      coefficients[v * LOW + u] = sum;
    }
  }
  const ac = Array.from(coefficients.subarray(1)).sort((a, b) => a - b);
  const median = (ac[31]! + ac[32]!) / 2;
  let hash = 0n;
  for (let i = 0; i < LOW * LOW; i++) hash = (hash << 1n) | (coefficients[i]! > median ? 1n : 0n);
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

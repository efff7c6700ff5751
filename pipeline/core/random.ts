/**
 * Seeded randomness. Two kinds: a stream generator (sfc32) for sequences such as augmentation,
 * and keyed hashes for choices that must not depend on order (which split a seller's rows go
 * to, which rows a class keeps): the same key and seed always give the same number.
 */
import { createHash } from 'node:crypto';

export type Random = () => number;

/** sfc32 seeded through splitmix32: fast, 128-bit state, uniform in [0, 1). */
export function createRandom(seed: number | string): Random {
  let s = typeof seed === 'number' ? seed >>> 0 : parseInt(createHash('sha256').update(seed).digest('hex').slice(0, 8), 16);
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/** A uniform number in [0, 1) from (seed, purpose, key): order-independent and stable. */
export function keyedUniform(seed: number, purpose: string, key: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${purpose}\u0000${key}`).digest();
  // 52 bits: exactly representable as a double.
  return (digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12)) / 2 ** 52;
}

/** Standard normal by Box-Muller. */
export function normal(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

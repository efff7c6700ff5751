/**
 * NumPy's legacy RandomState: the MT19937 generator seeded as `RandomState(seed)` seeds it
 * (init_genrand) and `randint(low, high)` as NumPy draws it for ranges below 2^32 (masked
 * rejection sampling on 32-bit outputs). Bootstrap resamples then use exactly the indices
 * `numpy.random.RandomState(0).randint(0, n, n)` gives, so intervals can be checked in Python.
 */
export class MT19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % 624]! & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** An integer in [low, high), as RandomState.randint draws it. */
  randint(low: number, high: number): number {
    const range = high - low - 1;
    if (range <= 0) return low;
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > range);
    return low + value;
  }
}

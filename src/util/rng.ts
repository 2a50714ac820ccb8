/**
 * A small, fast, seedable PRNG for bootstraps: xoshiro128** (Blackman & Vigna), 32-bit state words so
 * every step stays in int32 arithmetic (no BigInt, no float rounding). The 128-bit state is filled from
 * the seed with splitmix32, so seeds 0, 1, 2... give unrelated streams and the all-zero state (which
 * xoshiro cannot leave) is impossible. The same seed gives the same stream on every platform; it is NOT
 * Python's Mersenne Twister, so bootstraps agree with the reference in distribution, not draw by draw.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number | string = 0) {
    // Fold the high bits of large numeric seeds in, so e.g. Date.now() values do not collide mod 2^32.
    let x =
      typeof seed === "string"
        ? hashString(seed)
        : (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x9e3779b1);
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator with an explicit xoshiro128** state (for checking against the published reference). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const r = new Rng(0);
    r.s0 = s0 | 0;
    r.s1 = s1 | 0;
    r.s2 = s2 | 0;
    r.s3 = s3 | 0;
    return r;
  }

  /** A uniform unsigned 32-bit integer. */
  nextU32(): number {
    const s1 = this.s1;
    const t = s1 << 9;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return r >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform integer in [0, n) for 1 ≤ n ≤ 2^32, without modulo bias. */
  int(n: number): number {
    if (n <= 0x200000 && n >= 1 && n === Math.floor(n)) {
      // Lemire's multiply-and-reject: u·n < 2^53 is exact, its high 32 bits are the result and the low
      // 32 bits decide the (rare) rejection, so the common path has no division.
      let m = this.nextU32() * n;
      let lo = m >>> 0;
      if (lo < n) {
        const threshold = 4294967296 % n;
        while (lo < threshold) {
          m = this.nextU32() * n;
          lo = m >>> 0;
        }
      }
      return (m - lo) / 4294967296;
    }
    if (!(n >= 1 && n <= 4294967296)) throw new RangeError(`Rng.int: bound ${n} outside [1, 2^32]`);
    // Large bounds: reject the top partial bucket so every residue is equally likely.
    const limit = 4294967296 - (4294967296 % n);
    let v = this.nextU32();
    while (v >= limit) v = this.nextU32();
    return v % n;
  }

  /** Shuffle `a` in place (Fisher–Yates), like Python's `random.shuffle`; returns `a`. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * Put a uniform random k-subset of `a` (in random order) into a[0..k): a partial Fisher–Yates, so
   * drawing m of M costs O(m), not O(M). Returns `a`.
   */
  partialShuffle<T extends { length: number; [i: number]: unknown }>(a: T, k: number): T {
    const n = a.length;
    const stop = Math.min(k, n - 1);
    for (let i = 0; i < stop; i++) {
      const j = i + this.int(n - i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** FNV-1a over UTF-16 code units: turns a string seed into a 32-bit one. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

// A small, fast, seedable PRNG whose whole state is four 32-bit words, so a trainer can
// checkpoint it (toJSON) and resume the exact stream (fromJSON).
//
// Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021, https://prng.di.unimi.it/xoshiro128starstar.c).
// Seeding: the state is filled from splitmix32 (a 32-bit variant of SplitMix, Steele et al.
// OOPSLA 2014, constants from https://github.com/bryc/code/blob/master/jshash/PRNGs.md), which
// never yields the forbidden all-zero state for distinct outputs.

/** Serialised generator state (four unsigned 32-bit words). */
export interface RngState {
  algorithm: 'xoshiro128**';
  state: [number, number, number, number];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Mixes a 32-bit value (the splitmix32 output function). */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Splits a seed (a non-negative safe integer or a string) into 32-bit words. */
function seedWords(seed: number | string): number[] {
  if (typeof seed === 'string') {
    const words: number[] = [seed.length];
    for (let i = 0; i < seed.length; i++) words.push(seed.charCodeAt(i));
    return words;
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`Rng seed must be a non-negative safe integer or a string, got ${seed}`);
  }
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the generator from an integer, a string, or a list of them (a "stream path"). */
  constructor(seed: number | string | Array<number | string> = 0) {
    const parts = Array.isArray(seed) ? seed : [seed];
    // absorb every word of every part into a running hash, then expand with splitmix32
    let h = 0x6a09e667;
    for (const part of parts) {
      for (const w of seedWords(part)) h = mix32((h + Math.imul(w >>> 0, 0x9e3779b1)) >>> 0) ^ 0x85ebca6b;
      h = mix32(h + 0x7f4a7c15);
    }
    const next = (): number => {
      h = (h + 0x9e3779b9) >>> 0;
      return mix32(h);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero is a fixed point
  }

  /** A generator for one independent stream, e.g. `Rng.derive(seed, promptIndex, sampleIndex)`. */
  static derive(...path: Array<number | string>): Rng {
    return new Rng(path);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, n) without modulo bias. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A fresh seed (a non-negative 31-bit integer) drawn from this stream, e.g. for a request. */
  nextSeed(): number {
    return this.nextUint32() >>> 1;
  }

  clone(): Rng {
    return Rng.fromJSON(this.toJSON());
  }

  toJSON(): RngState {
    return { algorithm: 'xoshiro128**', state: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  static fromJSON(json: unknown): Rng {
    const j = json as Partial<RngState> | null;
    if (!j || j.algorithm !== 'xoshiro128**' || !Array.isArray(j.state) || j.state.length !== 4) {
      throw new Error(`Rng.fromJSON: expected { algorithm: 'xoshiro128**', state: [4 uint32] }, got ${JSON.stringify(json)}`);
    }
    for (const w of j.state) {
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new RangeError(`Rng.fromJSON: state word ${w} is not a uint32`);
    }
    if (j.state.every((w) => w === 0)) throw new RangeError('Rng.fromJSON: the all-zero state is invalid for xoshiro128**');
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = j.state.map((w) => w | 0) as [number, number, number, number];
    return r;
  }
}

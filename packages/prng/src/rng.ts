// The one seeded pseudo-random generator of verl-ts, used for the synthetic arithmetic task
// (datasets), random model initialisation (models), token sampling (rollout) and the data
// order and per-step seeds of training (trainer), so that a seed means the same thing everywhere
// and every stream is reproducible on every machine and Node version (Math.random cannot be seeded).
//
// Generator: mulberry32 (T. Ettinger, 2017; https://gist.github.com/tommyettinger/46a874533244883189143505d203312c):
// a 32-bit state advanced by a Weyl sequence (+0x6d2b79f5) and scrambled by two multiply-xorshift
// rounds; period 2^32, every state valid, so the whole state is one number to checkpoint.
// Streams that must not overlap (one per prompt and sample) are seeded from a path of numbers or
// strings hashed to 32 bits (`Rng.derive(seed, prompt, sample)`), with splitmix32's output
// function as the mixer (Steele et al., OOPSLA 2014; constants from
// https://github.com/bryc/code/blob/master/jshash/PRNGs.md).

/** Serialised generator state. */
export interface RngState {
  algorithm: 'mulberry32';
  state: number;
}

/** splitmix32's output function: a 32-bit bijective mixer. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** 32-bit words of one path part: an integer (two words, so 2^40 and 0 differ) or a string. */
function words(part: number | string): number[] {
  if (typeof part === 'string') return [part.length, ...Array.from(part, (c) => c.charCodeAt(0))];
  if (!Number.isSafeInteger(part)) throw new RangeError(`Rng seed parts must be safe integers or strings, got ${part}`);
  return [part >>> 0, Math.floor(part / 2 ** 32) >>> 0];
}

function pathSeed(parts: Array<number | string>): number {
  let h = 0x6a09e667;
  for (const part of parts) {
    for (const w of words(part)) h = mix32((h + Math.imul(w >>> 0, 0x9e3779b1)) >>> 0) ^ 0x85ebca6b;
    h = mix32(h + 0x7f4a7c15);
  }
  return h >>> 0;
}

export class Rng {
  private s: number;

  /**
   * An integer seed is the generator's state as is (`seed >>> 0`: negative integers wrap, as
   * C's uint32_t does); a string or a list of parts (a stream path) is hashed to one.
   */
  constructor(seed: number | string | Array<number | string> = 0) {
    if (typeof seed === 'number') {
      if (!Number.isInteger(seed)) throw new RangeError(`Rng seed must be an integer, got ${seed}`);
      this.s = seed >>> 0;
    } else {
      this.s = pathSeed(Array.isArray(seed) ? seed : [seed]);
    }
  }

  /** A generator for one independent stream, e.g. `Rng.derive(seed, promptIndex, sampleIndex)`. */
  static derive(...path: Array<number | string>): Rng {
    return new Rng(path);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1) on a grid of 2^-32. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n): floor(nextFloat() · n) (bias below n / 2^32, nothing at the sizes used here). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    return Math.floor(this.nextFloat() * n);
  }

  /** A fresh seed (a non-negative 31-bit integer) for a downstream consumer, e.g. one sampling call. */
  nextSeed(): number {
    return Math.floor(this.nextFloat() * 0x7fffffff);
  }

  /** The whole state, one uint32. */
  get state(): number {
    return this.s;
  }

  static fromState(state: number): Rng {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new RangeError(`Rng state must be a uint32, got ${state}`);
    return new Rng(state);
  }

  clone(): Rng {
    return Rng.fromState(this.s);
  }

  toJSON(): RngState {
    return { algorithm: 'mulberry32', state: this.s };
  }

  static fromJSON(json: unknown): Rng {
    const j = json as Partial<RngState> | null;
    if (!j || j.algorithm !== 'mulberry32' || typeof j.state !== 'number') {
      throw new Error(`Rng.fromJSON: expected { algorithm: 'mulberry32', state: uint32 }, got ${JSON.stringify(json)}`);
    }
    return Rng.fromState(j.state);
  }
}

/** Fisher-Yates permutation of 0..n-1 driven by `rng`. */
export function permutation(n: number, rng: Rng): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

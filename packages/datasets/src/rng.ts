// Helpers over @verl-ts/prng's Rng (the project's one seeded generator, mulberry32): an integer
// in a range from a uniform draw, and a stable string hash for the train/test split.

/** Uniform integer in [lo, hi]. */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/** 32-bit FNV-1a hash of a string (stable split assignment). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

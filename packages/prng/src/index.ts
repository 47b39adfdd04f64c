// Public API of @verl-ts/prng: the one seeded generator of verl-ts.
export { Rng, permutation, type RngState } from './rng.js';

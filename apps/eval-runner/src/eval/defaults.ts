// Defaults of `verl eval` that depend on other settings: k values up to n, and the bundled
// tiny-arith policy's own benchmark, template and response length (issue 13 points 5 and 9).
import { UsageError } from '../cli/args.js';
import { DEMO_DEFAULTS } from '../demo/config.js';

export const DEFAULT_BENCH = 'gaokao2024_mix';
export const DEFAULT_MAX_TOKENS = 1536;
export const DEFAULT_KS = [1, 4, 16];

/** The bundled policy's defaults: its task, and the response length the demo trains it with. */
export const BUNDLED_DEFAULTS = { bench: 'arithmetic', maxTokens: DEMO_DEFAULTS.maxNewTokens } as const;

/**
 * k values for pass@k / maj@k: the given ones, each ≤ n (a larger k is an error, not dropped), or
 * the defaults that are ≤ n.
 */
export function chooseKs(given: number[] | undefined, n: number): number[] {
  if (given === undefined) return DEFAULT_KS.filter((k) => k <= n);
  const tooLarge = given.filter((k) => k > n);
  if (tooLarge.length > 0) throw new UsageError(`--k ${tooLarge.join(',')} is larger than --n ${n} (pass@k and maj@k need k ≤ n responses)`);
  return [...new Set(given)].sort((a, b) => a - b);
}

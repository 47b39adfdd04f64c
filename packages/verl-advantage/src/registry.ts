// A name-keyed estimator registry, the TypeScript counterpart of verl's `register_adv_est` /
// `get_adv_estimator_fn` (volcengine/verl verl/trainer/ppo/core_algos.py). Names use dashes;
// verl's underscore spellings (`reinforce_plus_plus_baseline`) are accepted as aliases.

import {
  drGrpoAdvantages,
  grpoAdvantages,
  reinforcePlusPlusBaselineAdvantages,
  rlooAdvantages,
  type AdvantageEstimator,
  type AdvantageInput,
} from './estimators.js';

export type BuiltinEstimatorName = 'grpo' | 'dr-grpo' | 'rloo' | 'reinforce-plus-plus-baseline';

const registry = new Map<string, AdvantageEstimator>();
const BUILTINS: Record<BuiltinEstimatorName, AdvantageEstimator> = {
  grpo: grpoAdvantages,
  'dr-grpo': drGrpoAdvantages,
  rloo: rlooAdvantages,
  'reinforce-plus-plus-baseline': reinforcePlusPlusBaselineAdvantages,
};
for (const [name, fn] of Object.entries(BUILTINS)) registry.set(name, fn);

function canonical(name: string): string {
  return name.trim().toLowerCase().replace(/_/g, '-');
}

/**
 * Registers an estimator under `name`. Like verl, registering a different function under a
 * name that is taken is an error, unless `{ replace: true }` is passed.
 */
export function registerAdvantageEstimator(
  name: string,
  fn: AdvantageEstimator,
  opts: { replace?: boolean } = {},
): void {
  if (typeof name !== 'string' || canonical(name) === '') throw new TypeError('estimator name must be a non-empty string');
  if (typeof fn !== 'function') throw new TypeError(`estimator "${name}" must be a function`);
  const key = canonical(name);
  const existing = registry.get(key);
  if (existing && existing !== fn && !opts.replace) {
    throw new Error(`advantage estimator "${key}" is already registered (pass { replace: true } to override it)`);
  }
  registry.set(key, fn);
}

/** Looks an estimator up by name; the error lists the registered names. */
export function getAdvantageEstimator(name: string): AdvantageEstimator {
  const fn = registry.get(canonical(String(name)));
  if (!fn) {
    throw new Error(`unknown advantage estimator "${name}"; registered: ${listAdvantageEstimators().join(', ')}`);
  }
  return fn;
}

export function listAdvantageEstimators(): string[] {
  return [...registry.keys()].sort();
}

/** Per-response advantages from the estimator registered under `name`. */
export function computeAdvantages(name: BuiltinEstimatorName | string, input: AdvantageInput): number[] {
  const out = getAdvantageEstimator(name)(input);
  if (!Array.isArray(out) || out.length !== input.rewards.length) {
    throw new Error(`advantage estimator "${name}" returned ${Array.isArray(out) ? out.length : typeof out} values for ${input.rewards.length} rewards`);
  }
  return out;
}

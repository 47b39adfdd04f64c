// Policy losses by name, beside the advantage estimators' registry of @verl-ts/verl-advantage,
// as verl registers them (verl/trainer/ppo/core_algos.py: register_policy_loss /
// get_policy_loss_fn, selected by actor.policy_loss.loss_mode). `actor.policyLoss` in the RL
// config picks one; ppo-update.ts calls it once per micro-batch.
import { policyLoss, type PolicyLossInput, type PolicyLossOptions, type PolicyLossResult } from './losses.js';

/** Per-token policy loss aggregated over the mask, with its clip statistics (differentiable in logProb). */
export type PolicyLossFn = (input: PolicyLossInput, opts: PolicyLossOptions) => PolicyLossResult;

const registry = new Map<string, PolicyLossFn>([
  // PPO clipped surrogate, dual-clip when clipRatioC is set (verl compute_policy_loss_vanilla)
  ['vanilla', policyLoss],
]);

/** Register a policy loss under `name` (refuses to replace one unless `replace`). */
export function registerPolicyLoss(name: string, fn: PolicyLossFn, opts: { replace?: boolean } = {}): void {
  if (!name) throw new TypeError('registerPolicyLoss: name is required');
  if (registry.has(name) && !opts.replace) throw new Error(`policy loss '${name}' is already registered (pass { replace: true } to replace it)`);
  registry.set(name, fn);
}

export function getPolicyLoss(name: string): PolicyLossFn {
  const fn = registry.get(name);
  if (!fn) throw new RangeError(`unknown policy loss '${name}' (registered: ${listPolicyLosses().join(', ')})`);
  return fn;
}

export function listPolicyLosses(): string[] {
  return [...registry.keys()];
}

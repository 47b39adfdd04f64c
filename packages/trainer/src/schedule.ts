// Learning-rate schedules with linear warmup, as in verl's actor optimizer
// (verl/utils/torch_functional.py get_constant_schedule_with_warmup /
// get_cosine_schedule_with_warmup, num_cycles 0.5, min_lr_ratio).
// One deliberate difference: update k (0-based) uses warmup factor (k+1)/warmup, so the first
// update is not wasted with lr = 0.
import type { OptimizerConfig } from './config.js';

/** The optimizer config's lr fields (only `lr` required) and the number of updates, which cosine needs. */
export type LrSchedule = Pick<OptimizerConfig, 'lr'> & Partial<Pick<OptimizerConfig, 'warmupSteps' | 'schedule' | 'minLrRatio'>> & { totalSteps?: number };

/** Learning rate for update number `step` (0-based). */
export function learningRateAt(step: number, s: LrSchedule): number {
  const warmup = s.warmupSteps ?? 0;
  if (!(s.lr >= 0)) throw new RangeError(`learning rate must be >= 0, got ${s.lr}`);
  if (step < warmup) return (s.lr * (step + 1)) / warmup;
  if ((s.schedule ?? 'constant') === 'constant') return s.lr;
  const total = s.totalSteps;
  if (total === undefined || !(total > 0)) throw new RangeError('cosine schedule needs totalSteps > 0');
  const minRatio = s.minLrRatio ?? 0;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  const cos = 0.5 * (1 + Math.cos(Math.PI * progress));
  return s.lr * (minRatio + (1 - minRatio) * cos);
}

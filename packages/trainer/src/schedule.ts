// Learning-rate schedules with linear warmup, as in verl's actor optimizer
// (verl/utils/torch_functional.py get_constant_schedule_with_warmup /
// get_cosine_schedule_with_warmup, num_cycles 0.5, min_lr_ratio).
// One deliberate difference: update k (0-based) uses warmup factor (k+1)/warmup, so the first
// update is not wasted with lr = 0.

export type LrScheduleKind = 'constant' | 'cosine';

export interface LrSchedule {
  lr: number;
  warmupSteps?: number;
  kind?: LrScheduleKind;
  /** total number of updates (needed for cosine) */
  totalSteps?: number;
  /** cosine floor as a fraction of lr */
  minLrRatio?: number;
}

/** Learning rate for update number `step` (0-based). */
export function learningRateAt(step: number, s: LrSchedule): number {
  const warmup = s.warmupSteps ?? 0;
  const kind = s.kind ?? 'constant';
  if (!(s.lr >= 0)) throw new RangeError(`learning rate must be >= 0, got ${s.lr}`);
  if (step < warmup) return (s.lr * (step + 1)) / warmup;
  if (kind === 'constant') return s.lr;
  const total = s.totalSteps;
  if (total === undefined || !(total > 0)) throw new RangeError('cosine schedule needs totalSteps > 0');
  const minRatio = s.minLrRatio ?? 0;
  const progress = Math.min(1, (step - warmup) / Math.max(1, total - warmup));
  const cos = 0.5 * (1 + Math.cos(Math.PI * progress));
  return s.lr * (minRatio + (1 - minRatio) * cos);
}

// Exponential moving average with an update count, so it can be read with or without Adam-style
// bias correction. The reference (hf618/VERL verl/trainer/reward_manager_versions.py) starts its
// EMAs (`self.mids`, `self.ema_performance_score`) at 0 and reads them raw:
//   m ← (1 - α)·m + α·x.
// After n updates from 0, m = α Σ_k (1-α)^(n-k) x_k, whose weights sum to 1 - (1-α)^n, so the
// bias-corrected estimate is m / (1 - (1-α)^n) (undefined before the first update).

export interface EmaState {
  value: number;
  updates: number;
}

export class Ema {
  value = 0;
  updates = 0;

  constructor(readonly alpha: number) {}

  update(x: number): void {
    this.value = (1 - this.alpha) * this.value + this.alpha * x;
    this.updates += 1;
  }

  /** The raw value (bias-corrected: divided by 1 - (1-α)^n; undefined while n = 0). */
  read(biasCorrection: boolean): number | undefined {
    if (!biasCorrection) return this.value;
    if (this.updates === 0) return undefined;
    return this.value / (1 - (1 - this.alpha) ** this.updates);
  }

  toJSON(): EmaState {
    return { value: this.value, updates: this.updates };
  }

  static fromJSON(alpha: number, s: unknown, name: string): Ema {
    const st = s as Partial<EmaState> | null;
    if (!st || typeof st.value !== 'number' || !Number.isFinite(st.value) || !Number.isInteger(st.updates) || (st.updates as number) < 0) {
      throw new TypeError(`shaper state: ${name} must be { value: finite number, updates: integer >= 0 }`);
    }
    const e = new Ema(alpha);
    e.value = st.value;
    e.updates = st.updates as number;
    return e;
  }
}

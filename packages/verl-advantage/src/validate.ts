// Input checks shared by the estimators and the shaper: bad numbers fail loudly with the
// name of the offending field, instead of turning into NaN advantages three steps later.

/** Throws a RangeError unless every entry of `values` is a finite number. */
export function assertFinite(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${name}[${i}] must be a finite number, got ${String(v)}`);
    }
  }
}

/** Throws a RangeError unless `values` has exactly `expected` entries. */
export function assertLength(name: string, values: ArrayLike<unknown>, expected: number, against: string): void {
  if (values == null || typeof values.length !== 'number') {
    throw new TypeError(`${name} must be an array`);
  }
  if (values.length !== expected) {
    throw new RangeError(`${name} has ${values.length} entries but ${against} has ${expected}`);
  }
}

/** Throws a RangeError unless `value` is a finite number satisfying `ok`. */
export function assertScalar(name: string, value: unknown, ok: (v: number) => boolean, rule: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new RangeError(`${name} must be ${rule}, got ${String(value)}`);
  }
  return value;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length === 0 ? 0 : s / values.length;
}

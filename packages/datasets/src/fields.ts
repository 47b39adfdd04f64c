// Small accessors used by the gold-answer rules: they throw a FieldError naming the field, which
// the loader turns into a `file:line:` error.

/** A row lacks a field the dataset's mapping needs, or it has the wrong type. */
export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldError';
  }
}

type Row = Record<string, unknown>;

export function stringField(row: Row, key: string): string {
  const v = row[key];
  if (typeof v !== 'string') throw new FieldError(`field "${key}" must be a string, got ${describe(v)}`);
  return v;
}

export function optionalString(row: Row, key: string): string | undefined {
  const v = row[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new FieldError(`field "${key}" must be a string, got ${describe(v)}`);
  return v;
}

/** A string or a number field rendered as text (`27.0` in JSON becomes `"27"`). */
export function scalarField(row: Row, key: string): string {
  const v = row[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new FieldError(`field "${key}" must be a string or a number, got ${describe(v)}`);
}

export function stringListField(row: Row, key: string): string[] {
  const v = row[key];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new FieldError(`field "${key}" must be a list of strings, got ${describe(v)}`);
  }
  return v as string[];
}

/** The row's own id (`idx`, `id`, `unique_id` ...) as a string, or the fallback when absent. */
export function idField(row: Row, key: string, fallback: number): string {
  const v = row[key];
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  return String(fallback);
}

/** Remove `$` math delimiters (not an escaped `\$`): `$-1-\sqrt{3}$` -> `-1-\sqrt{3}`. */
export function stripDollars(s: string): string {
  return s.replace(/(?<!\\)\$/g, '').trim();
}

/** `2,125` -> `2125`, `1,450,000` -> `1450000`; anything that is not a grouped number is unchanged. */
export function removeThousandsSeparators(s: string): string {
  return /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) ? s.replace(/,/g, '') : s;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? `a string` : typeof v;
}

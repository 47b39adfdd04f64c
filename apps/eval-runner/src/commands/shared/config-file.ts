// Reads a YAML or JSON config file (YAML is a superset of JSON) with the file named in errors.
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { describeError } from '../../cli/error-message.js';

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read config file: ${describeError(e)}`);
  }
  try {
    return parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid YAML/JSON: ${(e as Error).message}`);
  }
}

export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

/** Applies `a.b.c=value` overrides (value parsed as YAML, so numbers and booleans keep their type). */
export function applyOverrides(config: unknown, sets: string[]): unknown {
  const root = (config ?? {}) as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key.path=value, got '${s}'`);
    const keys = s.slice(0, eq).split('.');
    const value: unknown = parse(s.slice(eq + 1));
    let obj = root;
    for (const k of keys.slice(0, -1)) {
      if (typeof obj[k] !== 'object' || obj[k] === null) obj[k] = {};
      obj = obj[k] as Record<string, unknown>;
    }
    obj[keys[keys.length - 1]] = value;
  }
  return root;
}

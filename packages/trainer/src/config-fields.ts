// Every field of a config schema with its one-line description, in schema order, read from the
// zod schema itself (so a field and its documentation cannot drift apart). `verl train
// --print-config` prints them next to the values, unset optional fields included.
import type { z } from 'zod';

export interface ConfigField {
  /** dotted path, e.g. 'algorithm.verl.shaper.kappa' */
  path: string;
  description: string;
  /** a section (an object of fields) rather than a value */
  section: boolean;
}

interface Def { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[]; in?: z.ZodType }
const defOf = (s: z.ZodType): Def => s._zod.def as Def;

export function describeConfigFields(schema: z.ZodType): ConfigField[] {
  const out: ConfigField[] = [];
  const seen = new Set<string>();
  const push = (f: ConfigField) => { if (!seen.has(f.path)) { seen.add(f.path); out.push(f); } };
  const walk = (s: z.ZodType, path: string, description: string | undefined): void => {
    const d = s.description ?? description;
    const def = defOf(s);
    if (def.innerType) return walk(def.innerType, path, d); // default, prefault, optional, nullable
    if (def.type === 'pipe' && def.in) return walk(def.in, path, d);
    if (def.type === 'object' && def.shape) {
      if (path) push({ path, description: d ?? '', section: true });
      for (const [k, f] of Object.entries(def.shape)) walk(f, path ? `${path}.${k}` : k, undefined);
      return;
    }
    // a union of objects (SFT's model: { path } or { create }) lists the fields of each
    if (def.type === 'union' && def.options?.every((o) => defOf(o).type === 'object')) {
      push({ path, description: d ?? '', section: true });
      for (const o of def.options) walk(o, path, undefined);
      return;
    }
    push({ path, description: d ?? '', section: false });
  };
  walk(schema, '', undefined);
  return out;
}

// `verl train|sft --print-config`: the validated config as YAML, every field of the trainer's
// schema in schema order with its one-line description (read from the zod schema itself, so a
// field and its documentation cannot drift apart), a value that is not the default marked with
// the default, and optional fields without a value listed as comments. The output is a config
// file: --config reads it back.

/** The parts of a zod 4 schema the walk reads (the trainer's rlConfigSchema / sftConfigSchema). */
interface Schema { description?: string; _zod: { def: unknown } }
interface Def { type: string; innerType?: Schema; shape?: Record<string, Schema>; options?: Schema[]; in?: Schema }
const defOf = (s: Schema): Def => s._zod.def as Def;
/** A field: dotted path (e.g. 'algorithm.verl.shaper.kappa'), its description, and whether it is a section (an object of fields). */
interface ConfigField { path: string; description: string; section: boolean }

/** Every field of a config schema with its description, in schema order, unset optional fields included. */
function describeConfigFields(schema: Schema): ConfigField[] {
  const out: ConfigField[] = [];
  const seen = new Set<string>();
  const push = (f: ConfigField) => { if (!seen.has(f.path)) { seen.add(f.path); out.push(f); } };
  const walk = (s: Schema, path: string, description: string | undefined): void => {
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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const getIn = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((a, k) => (isObj(a) ? a[k] : undefined), o);
// JSON is valid YAML flow syntax: strings stay quoted, numbers and arrays read back as they were
const scalar = (v: unknown): string => (v === undefined ? 'unset' : JSON.stringify(v));
const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('.')));
const keyOf = (path: string) => path.slice(path.lastIndexOf('.') + 1);

export function commentedConfigYaml(config: Obj, schema: Schema, defaults: Obj): string {
  const fields = describeConfigFields(schema);
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const lines: string[] = ['# every field of the config; a value other than the default says (default: …)'];
  const emit = (obj: Obj, prefix: string, indent: string): void => {
    const own = fields.filter((f) => parentOf(f.path) === prefix).map((f) => keyOf(f.path));
    for (const k of [...new Set([...own, ...Object.keys(obj)])]) {
      const path = prefix ? `${prefix}.${k}` : k;
      const note = byPath.get(path)?.description;
      const comment = note ? `  # ${note}` : '';
      const v = obj[k];
      if (v === undefined) {
        lines.push(`${indent}# ${k}: (unset)${note ? ` ${note}` : ''}`);
      } else if (isObj(v) && Object.keys(v).length > 0) {
        lines.push(`${indent}${k}:${comment}`);
        emit(v, path, `${indent}  `);
      } else {
        const d = getIn(defaults, path);
        const changed = JSON.stringify(d) !== JSON.stringify(v) ? ` (default: ${scalar(d)})` : '';
        lines.push(`${indent}${k}: ${scalar(v)}${comment}${changed && !comment ? '  #' : ''}${changed}`);
      }
    }
  };
  emit(config, '', '');
  return lines.join('\n') + '\n';
}

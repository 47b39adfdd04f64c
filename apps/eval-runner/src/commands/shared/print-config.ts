// `verl train|sft --print-config`: the validated config as YAML, every field of the trainer's
// schema in schema order with its one-line description (from the schema itself, trainer
// describeConfigFields), a value that is not the default marked with the default, and optional
// fields without a value listed as comments. The output is a config file: --config reads it back.
import type { ConfigField } from '@verl-ts/trainer';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const getIn = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((a, k) => (isObj(a) ? a[k] : undefined), o);
// JSON is valid YAML flow syntax: strings stay quoted, numbers and arrays read back as they were
const scalar = (v: unknown): string => (v === undefined ? 'unset' : JSON.stringify(v));
const parentOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('.')));
const keyOf = (path: string) => path.slice(path.lastIndexOf('.') + 1);

export function commentedConfigYaml(config: Obj, fields: ConfigField[], defaults: Obj): string {
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

// A small command definition layer over node:util parseArgs: typed options, defaults, and a
// generated --help text, so every command documents itself the same way.
import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  /** Metavariable shown in help, e.g. DIR. */
  value?: string;
  description: string;
  multiple?: boolean;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Positionals are allowed (e.g. report RUN_DIR…). */
  positionals?: boolean;
  examples?: string[];
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
}

/** Thrown for bad command-line input; the CLI prints the message and the usage line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(spec, argv), options, allowPositionals: true, strict: true });
  } catch (e) {
    // the CLI puts `verl <command>:` in front; parseArgs' advice about '--' does not apply here
    throw new UsageError((e as Error).message.replace(/\. To specify.*$/s, ''));
  }
  const values: ParsedArgs['values'] = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const v = (parsed.values as Record<string, string | boolean | string[] | undefined>)[name];
    values[name] = v ?? o.default;
  }
  const help = Boolean((parsed.values as Record<string, unknown>).help);
  if (!spec.positionals && parsed.positionals.length > 0 && !help) {
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  }
  return { values, positionals: parsed.positionals, help };
}

/**
 * `--n -3` → `--n=-3`: parseArgs takes a value that starts with '-' for an option and calls it
 * "ambiguous"; a negative number after a valued option is that option's value, so the range
 * check can say what is wrong with it.
 */
function joinNegativeValues(spec: CommandSpec, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : undefined;
    if (name && spec.options[name]?.type === 'string' && i + 1 < argv.length && /^-(\d|\.\d)/.test(argv[i + 1])) {
      out.push(`${a}=${argv[++i]}`);
    } else out.push(a);
  }
  return out;
}

export function formatHelp(spec: CommandSpec): string {
  const lines = [`verl ${spec.name}: ${spec.summary}`, '', `Usage: ${spec.usage}`, '', 'Options:'];
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
    return [flag, o.description + def];
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  for (const [flag, desc] of rows) lines.push(`  ${flag.padEnd(width)}${desc}`);
  if (spec.examples?.length) {
    lines.push('', 'Examples:');
    for (const ex of spec.examples) lines.push(`  ${ex}`);
  }
  return lines.join('\n') + '\n';
}

// Typed accessors with clear errors for numeric input.
export function str(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requireStr(values: ParsedArgs['values'], name: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw new UsageError(`missing required option --${name}`);
  return v;
}

export function num(values: ParsedArgs['values'], name: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number, got '${v}'`);
  if (opts.integer && !Number.isInteger(x)) throw new UsageError(`--${name} must be an integer, got '${v}'`);
  if (opts.min !== undefined && x < opts.min) throw new UsageError(`--${name} must be ≥ ${opts.min}, got ${v}`);
  if (opts.max !== undefined && x > opts.max) throw new UsageError(`--${name} must be ≤ ${opts.max}, got ${v}`);
  return x;
}

export function intList(values: ParsedArgs['values'], name: string): number[] | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  return v.split(',').map((s) => {
    const x = Number(s.trim());
    if (!Number.isInteger(x) || x < 1) throw new UsageError(`--${name} must be a comma-separated list of positive integers, got '${v}'`);
    return x;
  });
}

export function strList(values: ParsedArgs['values'], name: string): string[] | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export function bool(values: ParsedArgs['values'], name: string): boolean {
  return values[name] === true;
}

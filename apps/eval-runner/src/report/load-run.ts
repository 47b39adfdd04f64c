// Reads what `train`, `sft` and `eval` write into a run folder: metrics.jsonl (one line per
// step), samples.jsonl (per-response records) and any eval summary.json below it.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { EvalSummary } from '../eval/summary-types.js';

export type Row = Record<string, number>;

export interface RunData {
  name: string;
  dir: string;
  steps: Row[];
  samples: Row[];
  /** Per-response probe rows (probe.jsonl of evals below the run): entropy, confidence, ER, ERV, ERA. */
  probes: Row[];
  evals: { label: string; summary: EvalSummary }[];
}

/**
 * Flattens a JSON record to numeric leaves under normalised keys: nesting, '/', '.', '_' and
 * case are dropped, so `reward/mean`, `reward_mean`, `rewardMean` and {reward:{mean}} all
 * become `rewardmean`. Arrays of numbers become their mean under the same key (e.g. per-token
 * log-probs), with `<key>count` holding their length.
 */
export function flattenRecord(obj: unknown, prefix = '', out: Row = {}): Row {
  if (obj === null || obj === undefined) return out;
  if (typeof obj === 'number') {
    if (prefix) out[prefix] = obj;
    return out;
  }
  if (typeof obj === 'boolean') {
    if (prefix) out[prefix] = obj ? 1 : 0;
    return out;
  }
  if (Array.isArray(obj)) {
    const nums = obj.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (prefix && nums.length > 0 && nums.length === obj.length) {
      out[prefix] = nums.reduce((a, b) => a + b, 0) / nums.length;
      out[`${prefix}count`] = nums.length;
    }
    return out;
  }
  if (typeof obj === 'object') {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flattenRecord(v, prefix + normaliseKey(k), out);
  }
  return out;
}

export function normaliseKey(k: string): string {
  return k.toLowerCase().replace(/[^a-z0-9@]/g, '');
}

/** First present key among the candidates (given in any spelling). */
export function pick(row: Row, candidates: string[]): number | undefined {
  for (const c of candidates) {
    const v = row[normaliseKey(c)];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Parses JSONL, naming file and line for a malformed line. */
export function readJsonl(path: string, maxRows = Infinity): unknown[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const out: unknown[] = [];
  // keep the last maxRows rows (the most recent steps / samples)
  const start = Number.isFinite(maxRows) ? Math.max(0, lines.length - 1 - maxRows) : 0;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      out.push(JSON.parse(line));
    } catch (e) {
      // a half-written last line (interrupted run) is skipped; anything else is an error
      if (i >= lines.length - 2 && !text.endsWith('\n')) continue;
      throw new Error(`${path}:${i + 1}: malformed JSON line (${(e as Error).message})`);
    }
  }
  return out;
}

function findSummaries(dir: string, depth: number, rel = '', file = 'summary.json'): { label: string; path: string }[] {
  const found: { label: string; path: string }[] = [];
  const p = join(dir, file);
  if (existsSync(p)) found.push({ label: rel, path: p });
  if (depth === 0) return found;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === 'checkpoints' || e.name.startsWith('.')) continue;
    found.push(...findSummaries(join(dir, e.name), depth - 1, rel ? `${rel}/${e.name}` : e.name, file));
  }
  return found;
}

function isEvalSummary(x: unknown): x is EvalSummary {
  return typeof x === 'object' && x !== null && Array.isArray((x as EvalSummary).benchmarks);
}

export function loadRun(dirArg: string, opts: { maxSamples?: number } = {}): RunData {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`report: run folder not found: ${dirArg}`);
  let name = basename(dir);
  const cfgPath = join(dir, 'config.json');
  if (existsSync(cfgPath)) {
    try {
      const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as { name?: unknown };
      if (typeof cfg.name === 'string' && cfg.name) name = cfg.name;
    } catch (e) {
      throw new Error(`${cfgPath}: malformed JSON (${(e as Error).message})`);
    }
  }
  const metricsPath = join(dir, 'metrics.jsonl');
  const samplesPath = join(dir, 'samples.jsonl');
  const steps = existsSync(metricsPath) ? readJsonl(metricsPath).map((r) => flattenRecord(r)) : [];
  const samples = existsSync(samplesPath) ? readJsonl(samplesPath, opts.maxSamples ?? 20_000).map((r) => flattenRecord(r)) : [];
  const evals: RunData['evals'] = [];
  for (const { label, path } of findSummaries(dir, 2)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`${path}: malformed JSON (${(e as Error).message})`);
    }
    if (isEvalSummary(json)) evals.push({ label, summary: json });
  }
  const probes = findSummaries(dir, 2, '', 'probe.jsonl').flatMap(({ path }) => readJsonl(path, opts.maxSamples ?? 20_000).map((r) => flattenRecord(r)));
  if (steps.length === 0 && samples.length === 0 && evals.length === 0) {
    throw new Error(`report: ${dirArg} has no metrics.jsonl, samples.jsonl or eval summary.json`);
  }
  return { name, dir, steps, samples, probes, evals };
}

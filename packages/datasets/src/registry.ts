import type { Problem } from './problem.js';
import { lastBoxed } from './boxed.js';
import { FieldError, idField, scalarField, stringField } from './fields.js';
import { BUILTIN_BENCHMARKS } from './builtin-benchmarks.js';
import { BUILTIN_TRAINING_SETS } from './builtin-training-sets.js';

/** A public copy of a dataset file, pinned by content. */
export interface DatasetSource {
  /** https URL of the exact file (pin a commit, not a branch). */
  url: string;
  /** Lower-case hex sha256 of the file's bytes; a download that differs is rejected. */
  sha256: string;
  /** Size in bytes, for progress and a sanity check. */
  bytes?: number;
}

/** How one dataset is found on disk or online and how its rows become Problems. */
export interface DatasetSpec {
  /** Registry key, also the folder name: `<dataDir>/<name>/<file>`. */
  name: string;
  /** File inside the dataset folder (default `test.jsonl` for benchmarks, `train.jsonl` for training sets). */
  file?: string;
  /** One line for listings. */
  description?: string;
  /** Row count of the published file (documentation and tests). */
  rows?: number;
  /** Human-readable gold-answer rule, shown in the README and by the app. */
  goldRule?: string;
  /** Where the rows come from (paper, repository). */
  origin?: string;
  /** A pinned public copy that may be downloaded into the cache. */
  source?: DatasetSource;
  /**
   * The file ships inside this package (`data/<name>/<file>`), so it loads offline with no
   * download. Its sha256 is still `source.sha256`.
   */
  bundled?: boolean;
  /** Turn one parsed row (0-based `index`) into a Problem; throw FieldError for a bad row. */
  toProblem: (row: Record<string, unknown>, index: number, name: string) => Problem;
}

/**
 * Declarative mapping for user datasets, instead of `toProblem`:
 * `{ question: 'problem', answer: 'answer' }`, or `answerRule: 'last-boxed'` to take the last
 * `\boxed{}` of the answer field (a worked solution), or `'after-hashes'` for GSM8K-style `#### N`.
 */
export interface FieldMapping {
  question: string;
  answer: string;
  answerRule?: 'field' | 'last-boxed' | 'after-hashes';
  id?: string;
  /** Fields copied into `meta`. */
  meta?: string[];
}

export type DatasetSpecInput = Omit<DatasetSpec, 'toProblem'> & ({ toProblem: DatasetSpec['toProblem'] } | { fields: FieldMapping });

const benchmarks = new Map<string, DatasetSpec>(BUILTIN_BENCHMARKS.map((s) => [s.name, { file: 'test.jsonl', ...s }]));
const trainingSets = new Map<string, DatasetSpec>(BUILTIN_TRAINING_SETS.map((s) => [s.name, { file: 'train.jsonl', ...s }]));

/** Add a benchmark (test set) to the registry; `replace` allows overriding an existing name. */
export function registerBenchmark(spec: DatasetSpecInput, opts: { replace?: boolean } = {}): void {
  add(benchmarks, 'benchmark', { file: 'test.jsonl', ...normalise(spec) }, opts.replace);
}

/** Add a training set to the registry; `replace` allows overriding an existing name. */
export function registerTrainingSet(spec: DatasetSpecInput, opts: { replace?: boolean } = {}): void {
  add(trainingSets, 'training set', { file: 'train.jsonl', ...normalise(spec) }, opts.replace);
}

/** Names of all registered benchmarks, in registration order. */
export function listBenchmarks(): string[] {
  return [...benchmarks.keys()];
}

/** Names of all registered training sets, in registration order. */
export function listTrainingSets(): string[] {
  return [...trainingSets.keys()];
}

export function getBenchmark(name: string): DatasetSpec {
  return lookup(benchmarks, 'benchmark', name);
}

export function getTrainingSet(name: string): DatasetSpec {
  return lookup(trainingSets, 'training set', name);
}

function lookup(map: Map<string, DatasetSpec>, kind: string, name: string): DatasetSpec {
  const spec = map.get(name);
  if (!spec) throw new Error(`unknown ${kind} "${name}"; known: ${[...map.keys()].join(', ') || '(none)'}`);
  return spec;
}

function add(map: Map<string, DatasetSpec>, kind: string, spec: DatasetSpec, replace?: boolean): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(spec.name)) {
    throw new Error(`invalid ${kind} name "${spec.name}": use letters, digits, '.', '_' and '-' (it is also a folder name)`);
  }
  if (spec.file !== undefined && (spec.file.includes('..') || spec.file.startsWith('/'))) {
    throw new Error(`invalid file "${spec.file}" for ${kind} "${spec.name}": must be a plain relative path`);
  }
  if (spec.source) {
    if (!/^[0-9a-f]{64}$/.test(spec.source.sha256)) {
      throw new Error(`${kind} "${spec.name}": source.sha256 must be 64 lower-case hex digits`);
    }
    if (!/^https?:\/\//.test(spec.source.url)) throw new Error(`${kind} "${spec.name}": source.url must be http(s)`);
  }
  if (map.has(spec.name) && !replace) {
    throw new Error(`${kind} "${spec.name}" is already registered (pass { replace: true } to override it)`);
  }
  map.set(spec.name, spec);
}

function normalise(input: DatasetSpecInput): DatasetSpec {
  if ('toProblem' in input) return input;
  const { fields, ...rest } = input;
  if (!fields || typeof fields.question !== 'string' || typeof fields.answer !== 'string') {
    throw new Error(`dataset "${input.name}": give either toProblem or fields { question, answer }`);
  }
  return { ...rest, toProblem: mappingToProblem(fields) };
}

function mappingToProblem(f: FieldMapping): DatasetSpec['toProblem'] {
  return (row, index, name) => {
    const raw = scalarField(row, f.answer);
    let answer = raw.trim();
    if (f.answerRule === 'last-boxed') {
      const boxed = lastBoxed(raw);
      if (boxed === null) throw new FieldError(`field "${f.answer}" has no \\boxed{} answer`);
      answer = boxed.trim();
    } else if (f.answerRule === 'after-hashes') {
      const at = raw.lastIndexOf('####');
      if (at < 0) throw new FieldError(`field "${f.answer}" has no "####" answer line`);
      answer = raw.slice(at + 4).trim();
    }
    const meta: Record<string, unknown> = {};
    for (const k of f.meta ?? []) if (k in row) meta[k] = row[k];
    return {
      id: f.id ? idField(row, f.id, index) : String(index),
      question: stringField(row, f.question),
      answer,
      benchmark: name,
      ...(f.meta ? { meta } : {}),
    };
  };
}

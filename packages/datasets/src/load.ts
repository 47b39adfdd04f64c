import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem } from './problem.js';
import { JsonlError, parseJsonlEntries } from './jsonl.js';
import { ChecksumError, DownloadError, downloadVerified, fileExists, sha256File, type DownloadOptions } from './download.js';
import { getBenchmark, getTrainingSet, type DatasetSpec } from './registry.js';

export interface LoadOptions {
  /**
   * Local folder holding `<name>/<file>` (the layout of the reference data: `<dataDir>/math500/test.jsonl`);
   * `<dataDir>/benchmarks/<name>/` and `<dataDir>/train/<name>/` are tried too. Defaults to $VERL_DATA_DIR.
   * When given, nothing is downloaded.
   */
  dataDir?: string;
  /** Download cache (default $VERL_DATASETS_CACHE or ~/.cache/verl-ts/datasets), same `<name>/<file>` layout. */
  cacheDir?: string;
  /** Keep only the first `limit` rows. */
  limit?: number;
  /** Never download; use the cache or fail. */
  offline?: boolean;
  /** Passed to the downloader (custom fetch, timeout, progress). */
  download?: DownloadOptions;
}

export type DatasetKind = 'benchmark' | 'training set';

/** The dataset cannot be found locally and cannot be downloaded. */
export class DatasetNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetNotFoundError';
  }
}

export function defaultCacheDir(): string {
  return process.env.VERL_DATASETS_CACHE || join(homedir(), '.cache', 'verl-ts', 'datasets');
}

/** Load a registered benchmark's test set as Problems. */
export async function loadBenchmark(name: string, opts: LoadOptions = {}): Promise<Problem[]> {
  return loadDataset(getBenchmark(name), 'benchmark', opts);
}

/** Load a registered training set as Problems (rows with an empty gold answer are dropped unless keepEmptyAnswers). */
export async function loadTrainingSet(name: string, opts: LoadOptions & { keepEmptyAnswers?: boolean } = {}): Promise<Problem[]> {
  const all = await loadDataset(getTrainingSet(name), 'training set', { ...opts, limit: undefined });
  // MATH has two solutions ending in an empty \boxed{} (fixtures/train/README.md): useless as RL targets.
  const rows = opts.keepEmptyAnswers ? all : all.filter((p) => p.answer !== '');
  return applyLimit(rows, opts.limit);
}

/** The folder of data files that ship inside this package (`data/<name>/<file>`). */
export const BUNDLED_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/**
 * Where a dataset's file is (or will be, once downloaded), and where it comes from. Order: the
 * user's dataDir, then a file bundled with this package, then the download cache, then a download.
 */
export async function resolveDatasetFile(
  spec: DatasetSpec,
  kind: DatasetKind,
  opts: LoadOptions = {},
): Promise<{ path: string; from: 'dataDir' | 'bundled' | 'cache' }> {
  const file = spec.file ?? (kind === 'benchmark' ? 'test.jsonl' : 'train.jsonl');
  const bundled = spec.bundled ? join(BUNDLED_DATA_DIR, spec.name, file) : null;
  const dataDir = opts.dataDir ?? (process.env.VERL_DATA_DIR || undefined);
  if (dataDir !== undefined) {
    const root = resolve(dataDir);
    const candidates = [join(root, spec.name, file), join(root, kind === 'benchmark' ? 'benchmarks' : 'train', spec.name, file)];
    for (const c of candidates) if (await fileExists(c)) return { path: c, from: 'dataDir' };
    if (bundled && (await fileExists(bundled))) return { path: bundled, from: 'bundled' };
    throw new DatasetNotFoundError(
      `${kind} "${spec.name}" not found in data dir ${root}: looked for ${candidates.join(' and ')}. ` +
        `Pass --data-dir DIR (option dataDir) naming a folder that contains ${spec.name}/${file}` +
        (spec.source ? ', or leave it out to download the pinned public copy' : ''),
    );
  }
  if (bundled && (await fileExists(bundled))) return { path: bundled, from: 'bundled' };
  if (!spec.source) {
    throw new DatasetNotFoundError(
      `${kind} "${spec.name}" has no public download; pass --data-dir DIR (option dataDir, or set VERL_DATA_DIR) ` +
        `naming a folder that contains ${spec.name}/${file}`,
    );
  }
  const cached = join(resolve(opts.cacheDir ?? defaultCacheDir()), spec.name, file);
  if (await fileExists(cached)) {
    const actual = await sha256File(cached);
    if (actual === spec.source.sha256) return { path: cached, from: 'cache' };
    if (opts.offline) throw new ChecksumError(`cached ${cached} (delete it to download again)`, spec.source.sha256, actual);
  } else if (opts.offline) {
    throw new DatasetNotFoundError(`${kind} "${spec.name}" is not in the cache (${cached}) and downloads are off; pass --data-dir DIR or allow the download`);
  }
  try {
    await downloadVerified(spec.source.url, spec.source.sha256, cached, opts.download);
  } catch (e) {
    // offline or a dead mirror: say how to go on without the network
    if (e instanceof DownloadError) {
      throw new DownloadError(
        e.url,
        `${e.reason}; ${kind} "${spec.name}" is downloaded once into ${dirname(cached)}; to work offline, pass --data-dir DIR ` +
          `(option dataDir, or set VERL_DATA_DIR) naming a folder that contains ${spec.name}/${file}`,
        { cause: e.cause },
      );
    }
    throw e;
  }
  return { path: cached, from: 'cache' };
}

/** Load any spec (registered or not) following the same rules as loadBenchmark. */
export async function loadDataset(spec: DatasetSpec, kind: DatasetKind, opts: LoadOptions = {}): Promise<Problem[]> {
  checkLimit(opts.limit);
  const { path } = await resolveDatasetFile(spec, kind, opts);
  return applyLimit(await readProblems(path, spec), opts.limit);
}

/** Parse a JSON-lines file with a spec's mapping; errors name the file and line. */
export async function readProblems(path: string, spec: DatasetSpec): Promise<Problem[]> {
  const entries = parseJsonlEntries(await readFile(path, 'utf8'), path);
  return entries.map(({ line, value }, index) => {
    try {
      return spec.toProblem(value, index, spec.name);
    } catch (e) {
      throw new JsonlError(path, line, e instanceof Error ? e.message : String(e));
    }
  });
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  }
}

function applyLimit<T>(rows: T[], limit: number | undefined): T[] {
  checkLimit(limit);
  return limit === undefined ? rows : rows.slice(0, limit);
}

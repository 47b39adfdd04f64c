// Validation of GenerateOptions shared by every engine and by the HTTP server.
import type { GenerateOptions } from './types.js';
import { validateSamplingParams } from './sampling.js';

export interface NormalizedOptions {
  n: number;
  temperature: number;
  topP: number;
  topK: number;
  maxNewTokens: number;
  seed: number | undefined;
  promptSeeds: number[] | undefined;
  stop: string[];
  eosTokenIds: number[] | undefined;
  logprobsMode: 'raw' | 'processed';
}

/** Checks every field and fills defaults; throws a RangeError/TypeError naming the bad field. */
export function normalizeGenerateOptions(opts: GenerateOptions): NormalizedOptions {
  if (!opts || typeof opts !== 'object') throw new TypeError('generate options are required ({ maxNewTokens, ... })');
  const n = opts.n ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer >= 1, got ${opts.n}`);
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 1) {
    throw new RangeError(`maxNewTokens must be an integer >= 1, got ${opts.maxNewTokens}`);
  }
  const { temperature, topK, topP } = validateSamplingParams(opts);
  if (opts.seed !== undefined && (!Number.isSafeInteger(opts.seed) || opts.seed < 0)) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${opts.seed}`);
  }
  const ps = opts.promptSeeds;
  if (ps !== undefined && (!Array.isArray(ps) || ps.some((s) => !Number.isSafeInteger(s) || s < 0))) {
    throw new RangeError('promptSeeds must be an array of non-negative safe integers');
  }
  const stop = opts.stop ?? [];
  if (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new TypeError('stop must be an array of non-empty strings');
  }
  const eos = opts.eosTokenIds;
  if (eos !== undefined && (!Array.isArray(eos) || eos.some((t) => !Number.isInteger(t) || t < 0))) {
    throw new TypeError('eosTokenIds must be an array of non-negative integers');
  }
  const logprobsMode = opts.logprobsMode ?? 'raw';
  if (logprobsMode !== 'raw' && logprobsMode !== 'processed') {
    throw new RangeError(`logprobsMode must be 'raw' or 'processed', got ${String(logprobsMode)}`);
  }
  return { n, temperature, topP, topK, maxNewTokens: opts.maxNewTokens, seed: opts.seed, promptSeeds: ps, stop, eosTokenIds: eos, logprobsMode };
}

/** Throws unless `promptSeeds` (when given) has one seed per prompt. */
export function checkPromptSeeds(o: NormalizedOptions, promptCount: number): void {
  if (o.promptSeeds && o.promptSeeds.length !== promptCount) {
    throw new RangeError(`promptSeeds has ${o.promptSeeds.length} seeds for ${promptCount} prompts`);
  }
}

/** Whether a prompts argument holds token ids (number[][]) rather than strings. */
export function arePromptIds(prompts: number[][] | string[]): prompts is number[][] {
  if (!Array.isArray(prompts)) throw new TypeError('prompts must be an array of strings or of token-id arrays');
  if (prompts.length === 0) return true;
  const ids = Array.isArray(prompts[0]);
  for (let i = 0; i < prompts.length; i++) {
    const p = prompts[i];
    if (ids ? !Array.isArray(p) : typeof p !== 'string') {
      throw new TypeError(`prompts must be all strings or all token-id arrays (prompt ${i} differs)`);
    }
  }
  return ids;
}

/** Throws a RangeError unless `ids` is a non-empty list of token ids below `vocabSize`. */
export function checkPromptIds(ids: number[], index: number, vocabSize?: number): void {
  if (ids.length === 0) throw new RangeError(`prompt ${index} is empty: at least one token is needed to predict the next`);
  for (const t of ids) {
    if (!Number.isInteger(t) || t < 0 || (vocabSize !== undefined && t >= vocabSize)) {
      throw new RangeError(`prompt ${index} has token id ${t} outside [0, ${vocabSize ?? 'vocab'})`);
    }
  }
}

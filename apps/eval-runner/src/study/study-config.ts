// A study: several arms (RL configs that differ in a few fields) trained from one base config,
// each with the same seeds, so that arm differences can be paired seed by seed (issue 17).
//
//   name: arith-study          # the study folder is <outputDir>/<name>
//   outputDir: runs
//   seeds: 5                   # or a list: [0, 1, 2, 3, 4]
//   base:                      # an RL config as `verl train` reads it, without name/outputDir/seed;
//     trainer: { steps: 20 }   #   without model.path it extends the demo's config (bundled policy);
//                              #   or the path of an RL config file (relative to the study file)
//   arms:                      # default: DEFAULT_ARMS below; `set` takes dotted paths as --set does
//     - { name: grpo, label: GRPO, set: { algorithm.verl.enabled: false } }
//   eval: { problems: 200, n: 8, temperature: 0.6, topP: 0.95, seed: 1234 }
import { dirname, isAbsolute, resolve } from 'node:path';
import { applyOverrides, readConfigFile } from '../commands/shared/config-file.js';

export interface StudyArm {
  /** folder-safe name (letters, digits, . _ -) */
  name: string;
  /** what tables and plots call it */
  label: string;
  /** dotted-path overrides of the base config, e.g. { 'algorithm.verl.enabled': true } */
  set: Record<string, unknown>;
}

export interface StudyEval {
  /** held-out benchmark (default: arithmetic, the demo's held-out problems) */
  benchmark: string;
  problems: number;
  /** samples per problem; pass@k is reported for k = 1, 2, 4, … ≤ n */
  n: number;
  temperature: number;
  topP: number;
  seed: number;
}

export interface StudyConfig {
  name: string;
  outputDir: string;
  seeds: number[];
  base: Record<string, unknown>;
  arms: StudyArm[];
  eval: StudyEval;
}

export const STUDY_EVAL_DEFAULTS: StudyEval = { benchmark: 'arithmetic', problems: 200, n: 8, temperature: 0.6, topP: 0.95, seed: 1234 };

/**
 * The four arms of issue 17. The overlong arm's buffer is a quarter of the response limit
 * (verl's DAPO recipe: 4096 of 20480 tokens, a fifth), penalty factor 1.0 as in that recipe.
 */
export function defaultArms(maxNewTokens: number): StudyArm[] {
  const buffer = Math.max(1, Math.floor(maxNewTokens / 4));
  return [
    { name: 'grpo', label: 'GRPO', set: { 'algorithm.verl.enabled': false } },
    { name: 'grpo-verl', label: 'GRPO+VERL', set: { 'algorithm.verl.enabled': true } },
    { name: 'grpo-verl-ref', label: 'GRPO+VERL (reference mode)', set: { 'algorithm.verl.enabled': true, 'algorithm.verl.shaper.mode': 'reference' } },
    {
      name: 'grpo-verl-overlong',
      label: 'GRPO+VERL+overlong',
      set: { 'algorithm.verl.enabled': true, 'reward.overlong.enabled': true, 'reward.overlong.bufferLength': buffer, 'reward.overlong.penaltyFactor': 1.0 },
    },
  ];
}

export class StudyConfigError extends Error {
  constructor(message: string) {
    super(`invalid study config: ${message}`);
    this.name = 'StudyConfigError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;

function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  return out;
}

function intIn(v: unknown, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new StudyConfigError(`${field} must be an integer ≥ ${min} (got ${JSON.stringify(v)})`);
  return v;
}

function seedsOf(v: unknown): number[] {
  if (v === undefined) return [0, 1, 2, 3, 4];
  if (typeof v === 'number') return Array.from({ length: intIn(v, 'seeds', 1) }, (_, i) => i);
  if (!Array.isArray(v) || v.length === 0) throw new StudyConfigError('seeds must be a count or a non-empty list of integers');
  const seeds = v.map((s, i) => intIn(s, `seeds[${i}]`, 0));
  if (new Set(seeds).size !== seeds.length) throw new StudyConfigError(`seeds repeat a value: ${seeds.join(', ')}`);
  return seeds;
}

function armsOf(v: unknown, maxNewTokens: number): StudyArm[] {
  if (v === undefined) return defaultArms(maxNewTokens);
  if (!Array.isArray(v) || v.length === 0) throw new StudyConfigError('arms must be a non-empty list of { name, label?, set? }');
  const known = new Map(defaultArms(maxNewTokens).map((a) => [a.name, a]));
  const arms = v.map((a, i): StudyArm => {
    // a bare name picks a default arm
    if (typeof a === 'string') {
      const d = known.get(a);
      if (!d) throw new StudyConfigError(`arms[${i}]: '${a}' is not a default arm (${[...known.keys()].join(', ')}); give { name, set }`);
      return d;
    }
    if (!isObj(a) || typeof a.name !== 'string' || !SAFE_NAME.test(a.name)) throw new StudyConfigError(`arms[${i}].name must be letters, digits, . _ -`);
    if (a.set !== undefined && !isObj(a.set)) throw new StudyConfigError(`arms[${i}].set must map dotted paths to values`);
    const d = known.get(a.name);
    return { name: a.name, label: typeof a.label === 'string' ? a.label : (d?.label ?? a.name), set: (a.set as Obj | undefined) ?? d?.set ?? {} };
  });
  const names = arms.map((a) => a.name);
  if (new Set(names).size !== names.length) throw new StudyConfigError(`arm names repeat: ${names.join(', ')}`);
  return arms;
}

function evalOf(v: unknown): StudyEval {
  if (v === undefined) return { ...STUDY_EVAL_DEFAULTS };
  if (!isObj(v)) throw new StudyConfigError('eval must be an object');
  const e = { ...STUDY_EVAL_DEFAULTS, ...v } as StudyEval;
  if (typeof e.benchmark !== 'string' || !e.benchmark) throw new StudyConfigError('eval.benchmark must be a name');
  intIn(e.problems, 'eval.problems', 1);
  intIn(e.n, 'eval.n', 1);
  intIn(e.seed, 'eval.seed', 0);
  if (typeof e.temperature !== 'number' || e.temperature < 0) throw new StudyConfigError('eval.temperature must be ≥ 0');
  if (typeof e.topP !== 'number' || !(e.topP > 0 && e.topP <= 1)) throw new StudyConfigError('eval.topP must be in (0, 1]');
  return e;
}

/**
 * Validates a study file. `demoBase` is the demo's RL config on the bundled policy: a base
 * without model.path extends it.
 */
export function parseStudyConfig(raw: unknown, demoBase: Obj): StudyConfig {
  if (raw === undefined || raw === null) raw = {};
  if (!isObj(raw)) throw new StudyConfigError('the file must hold an object');
  const allowed = new Set(['name', 'outputDir', 'seeds', 'base', 'arms', 'eval']);
  for (const k of Object.keys(raw)) if (!allowed.has(k)) throw new StudyConfigError(`unknown field '${k}' (fields: ${[...allowed].join(', ')})`);
  const name = raw.name ?? 'study';
  if (typeof name !== 'string' || !SAFE_NAME.test(name)) throw new StudyConfigError('name may only contain letters, digits, . _ -');
  const outputDir = raw.outputDir ?? 'runs';
  if (typeof outputDir !== 'string' || !outputDir) throw new StudyConfigError('outputDir must be a folder');
  if (raw.base !== undefined && !isObj(raw.base)) throw new StudyConfigError('base must be an RL config object');
  const given = (raw.base ?? {}) as Obj;
  for (const k of ['name', 'outputDir', 'seed']) if (k in given) throw new StudyConfigError(`base.${k} is set by the study (per arm and seed); remove it`);
  const hasModel = isObj(given.model) && typeof given.model.path === 'string';
  const { name: _n, outputDir: _o, seed: _s, ...demo } = demoBase;
  // the demo's data order seed follows its run seed; in a study it follows each run's seed
  if (isObj(demo.data)) { const { seed: _d, ...data } = demo.data; demo.data = data; }
  const base = hasModel ? given : deepMerge(demo, given);
  const rollout = isObj(base.rollout) ? base.rollout : {};
  const maxNewTokens = typeof rollout.maxNewTokens === 'number' ? rollout.maxNewTokens : 24;
  return { name, outputDir, seeds: seedsOf(raw.seeds), base, arms: armsOf(raw.arms, maxNewTokens), eval: evalOf(raw.eval) };
}

/**
 * `base` given as the path of an RL config file (a `verl train` config, resolved against the study
 * file's folder): its name, outputDir, seed and data.seed are dropped, since the study sets them per
 * run; a relative model.path in it is taken from the working folder, as `verl train` does.
 */
export function inlineBaseFile<T extends Record<string, unknown>>(raw: T, studyFile: string | undefined): T {
  if (typeof raw.base !== 'string') return raw;
  const path = isAbsolute(raw.base) || !studyFile ? resolve(raw.base) : resolve(dirname(studyFile), raw.base);
  const cfg = readConfigFile(path);
  if (!isObj(cfg)) throw new StudyConfigError(`base: ${path} does not hold an RL config object`);
  const { name: _n, outputDir: _o, seed: _s, ...rest } = cfg;
  if (isObj(rest.data)) { const { seed: _d, ...data } = rest.data; rest.data = data; }
  return { ...raw, base: rest };
}

/** The run folder name of one arm and seed (flat under <study>/runs). */
export function runName(arm: StudyArm, seed: number): string {
  return `${arm.name}-seed${seed}`;
}

/**
 * The RL config input of one run: base, then the arm's overrides, then the study's name, folder
 * and seed. The data order seed follows the run seed (data.seed = seed + 1, as the demo) unless
 * the base fixes it; every arm of a seed gets the same, which is what makes them paired.
 */
export function runConfigInput(study: StudyConfig, studyDir: string, arm: StudyArm, seed: number): Obj {
  const cfg = applyOverrides(structuredClone(study.base), Object.entries(arm.set).map(([k, v]) => `${k}=${JSON.stringify(v)}`)) as Obj;
  const data = isObj(cfg.data) ? { ...cfg.data } : {};
  const baseData = isObj(study.base.data) ? study.base.data : {};
  if (baseData.seed === undefined) data.seed = seed + 1;
  const trainer = isObj(cfg.trainer) ? { ...cfg.trainer } : {};
  trainer.resume = 'auto'; // a rerun continues an interrupted run
  return { ...cfg, data, trainer, name: runName(arm, seed), outputDir: `${studyDir}/runs`, seed };
}

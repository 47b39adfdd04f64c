import { describe, it, expect } from 'vitest';
import { arithmeticSolution, arithmeticSolutionStyles } from '@verl-ts/datasets';
import { ConfigError, parseRLConfig, parseSFTConfig } from './config.js';
import { loadSFTProblems, sftTarget } from './problems.js';
import { PAPER_DEFAULTS } from '@verl-ts/verl-advantage';

describe('parseRLConfig', () => {
  it('fills the paper defaults', () => {
    const c = parseRLConfig({ name: 'run1', model: { path: 'models/x' } });
    expect(c.rollout).toMatchObject({ n: 4, temperature: 1.0, engine: 'local', maxNewTokens: 1024 });
    expect(c.actor).toMatchObject({
      lr: 5e-7, clipLow: 0.2, clipHigh: 0.2, clipRatioC: null, klCoef: 0.001, klEstimator: 'low_var_kl',
      entropyCoef: 0.001, gradClip: 1.0, lossAggMode: 'token-mean', ppoEpochs: 1, miniBatchSize: 16, microBatchSize: 2,
    });
    expect(c.metrics).toMatchObject({ stride: 40, maxTokens: 512 });
    expect(c.algorithm.estimator).toBe('grpo');
    expect(c.algorithm.verl.enabled).toBe(false);
    // every shaper default is visible in the parsed config (and so in config.json and --print-config)
    expect(c.algorithm.verl.shaper).toEqual({ mode: 'default', ...PAPER_DEFAULTS });
    expect(c.reward.overlong).toEqual({ enabled: false, bufferLength: 0, penaltyFactor: 1 });
    expect(c.actor).toMatchObject({ maskTruncated: false, policyLoss: 'vanilla' });
    expect(c.trainer.resume).toBe('auto');
    expect(c.outputDir).toBe('runs');
  });
  it('parses the VERL shaper config with verl-advantage\'s own schema, once, where the config is read', () => {
    const c = parseRLConfig({ name: 'r', model: { path: 'm' }, algorithm: { verl: { enabled: true, shaper: { mode: 'reference', kappa: 3 } } } });
    expect(c.algorithm.verl.shaper).toMatchObject({ mode: 'reference', kappa: 3, emaAlpha: 0.3 });
    expect(() => parseRLConfig({ name: 'r', model: { path: 'm' }, algorithm: { verl: { shaper: { kappa: -1 } } } })).toThrow(/algorithm\.verl\.shaper\.kappa:/);
    expect(() => parseRLConfig({ name: 'r', model: { path: 'm' }, algorithm: { verl: { shaper: { kapa: 3 } } } })).toThrow(/algorithm\.verl\.shaper: .*kapa/);
  });
  it('takes its lists of names from the packages that own them', () => {
    const bad = (extra: object) => { try { parseRLConfig({ name: 'r', model: { path: 'm' }, ...extra }); } catch (e) { return (e as Error).message; } return ''; };
    expect(bad({ model: { path: 'm', backend: 'metal' } })).toMatch(/model\.backend:.*webgpu/);
    expect(bad({ data: { template: 'nope' } })).toMatch(/data\.template: unknown prompt template 'nope' \(registered: .*qwen-math/);
    expect(bad({ algorithm: { estimator: 'ppo' } })).toMatch(/algorithm\.estimator: unknown advantage estimator "ppo"; registered: .*grpo/);
    expect(bad({ actor: { policyLoss: 'gspo' } })).toMatch(/actor\.policyLoss: unknown policy loss 'gspo'/);
    expect(bad({ data: { difficulty: 9 } })).toMatch(/data\.difficulty: difficulty must be a level/);
    expect(parseRLConfig({ name: 'r', model: { path: 'm' }, data: { difficulty: { maxOperand: 20 } } }).data.difficulty).toEqual({ maxOperand: 20 });
    expect(parseRLConfig({ name: 'r', model: { path: 'm' }, actor: { lossAggMode: 'seq-mean-token-mean' } }).actor.lossAggMode).toBe('seq-mean-token-mean');
    // its divisor must be a constant; the update's micro-batches are trimmed to their longest row
    expect(bad({ actor: { lossAggMode: 'seq-mean-token-sum-norm' } })).toMatch(/actor\.lossAggMode:/);
  });
  it('reward.overlong: checked against the response limit when enabled', () => {
    const c = parseRLConfig({ name: 'r', model: { path: 'm' }, rollout: { maxNewTokens: 64 }, reward: { overlong: { enabled: true, bufferLength: 16 } } });
    expect(c.reward.overlong).toEqual({ enabled: true, bufferLength: 16, penaltyFactor: 1 });
    expect(() => parseRLConfig({ name: 'r', model: { path: 'm' }, rollout: { maxNewTokens: 8 }, reward: { overlong: { enabled: true, bufferLength: 16 } } }))
      .toThrow(/reward\.overlong: reward\.overlong\.bufferLength \(16\) is longer than the response limit/);
  });
  it('lists every problem with its path', () => {
    let err: unknown;
    try {
      parseRLConfig({ name: 'a b', model: {}, actor: { lr: -1, lossAggMode: 'foo' }, bogus: 1, rollout: { engine: 'remote' } });
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/name: run name may only contain/);
    expect(msg).toMatch(/model\.path:/);
    expect(msg).toMatch(/actor\.lr:/);
    expect(msg).toMatch(/actor\.lossAggMode:/);
    expect(msg).toMatch(/bogus/);
  });
  it('requires remote settings for the remote engine and a name for dataset sources', () => {
    expect(() => parseRLConfig({ name: 'r', model: { path: 'm' }, rollout: { engine: 'remote' } })).toThrow(/rollout\.remote: rollout\.remote \{ baseUrl, model \} is required/);
    expect(() => parseRLConfig({ name: 'r', model: { path: 'm' }, data: { source: 'benchmark' } })).toThrow(/data\.name/);
    expect(() => parseRLConfig({ name: 'r', model: { path: 'm' }, trainer: { promptsPerStep: 10 }, actor: { miniBatchSize: 4 } })).toThrow(/multiple of actor\.miniBatchSize/);
  });
});

describe('parseSFTConfig', () => {
  it('accepts a model to create from scratch', () => {
    const c = parseSFTConfig({ name: 's', model: { create: { hiddenSize: 32 } } });
    expect(c.steps).toBe(1000);
    expect(c.trainOnPrompt).toBe(false);
    expect('create' in c.model).toBe(true);
  });
  it('rejects bad values readably', () => {
    expect(() => parseSFTConfig({ name: 's', model: { path: 'x' }, batchSize: 0 })).toThrow(/batchSize:/);
  });
  it('data.workedFraction: default 1 (all worked), in [0, 1], arithmetic only, SFT only', () => {
    expect(parseSFTConfig({ name: 's', model: { path: 'x' } }).data.workedFraction).toBe(1);
    expect(parseSFTConfig({ name: 's', model: { path: 'x' }, data: { workedFraction: 0.25 } }).data.workedFraction).toBe(0.25);
    expect(() => parseSFTConfig({ name: 's', model: { path: 'x' }, data: { workedFraction: 1.2 } })).toThrow(/data\.workedFraction:/);
    expect(() => parseSFTConfig({ name: 's', model: { path: 'x' }, data: { source: 'benchmark', name: 'math500', workedFraction: 0.5 } }))
      .toThrow(/data\.workedFraction: data\.workedFraction applies to data\.source 'arithmetic' only/);
    expect(() => parseRLConfig({ name: 'r', model: { path: 'm' }, data: { workedFraction: 0.5 } })).toThrow(/workedFraction/);
  });
});

describe('SFT targets from the data config', () => {
  it('a mixture of worked and direct arithmetic solutions, seeded by data.seed', async () => {
    const data = parseSFTConfig({ name: 's', model: { path: 'x' }, data: { source: 'arithmetic', difficulty: 2, count: 200, seed: 3, workedFraction: 0.25 } }).data;
    const problems = await loadSFTProblems(data);
    const targets = problems.map((p) => sftTarget(p, 'arithmetic'));
    const styles = arithmeticSolutionStyles(200, { workedFraction: 0.25, seed: 3 });
    expect(targets.map((t) => (t.startsWith('\\boxed{') ? 'direct' : 'worked'))).toEqual(styles);
    expect(styles.filter((s) => s === 'worked')).toHaveLength(50);
    problems.forEach((p, i) => expect(targets[i]).toBe(arithmeticSolution(p, { style: styles[i] })));
    // the default (workedFraction 1) is the worked solution for every problem, as before the option existed
    const plain = await loadSFTProblems(parseSFTConfig({ name: 's', model: { path: 'x' }, data: { source: 'arithmetic', difficulty: 2, count: 50 } }).data);
    expect(plain.map((p) => sftTarget(p, 'arithmetic'))).toEqual(plain.map((p) => arithmeticSolution(p)));
  });
});

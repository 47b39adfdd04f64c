// trainRL / trainSFT behaviour beyond exact resume: the non-finite guard, SFT resume, run files.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCausalLM } from '@verl-ts/models';
import { createLocalEngine } from '@verl-ts/rollout';
import { loadTokenizer } from '@verl-ts/models';
import { trainRL } from './train-rl.js';
import { NonFiniteTrainingError } from './run-loop.js';
import { trainSFT } from './train-sft.js';
import { parseRLConfig, parseSFTConfig, type RLConfigInput, type SFTConfigInput } from './config.js';
import { ConfigChangeError } from './run-config.js';
import { writeTinyPolicy } from './test-utils/tiny-policy.js';

const root = mkdtempSync(join(tmpdir(), 'trainer-train-'));
let modelDir = '';
beforeAll(async () => { modelDir = await writeTinyPolicy(join(root, 'init'), { seed: 3 }); }, 60_000);

const rl = (name: string, extra: Partial<RLConfigInput> = {}): RLConfigInput => ({
  name, outputDir: root, model: { path: modelDir, backend: 'wasm' },
  data: { source: 'arithmetic', count: 20, difficulty: 1, template: 'arithmetic' },
  rollout: { n: 2, maxNewTokens: 6 }, actor: { lr: 1e-3, miniBatchSize: 2, microBatchSize: 4 },
  metrics: { stride: 2, samplesPerStep: 3 }, trainer: { steps: 5, promptsPerStep: 2, saveEvery: 2, keepLast: 2 }, ...extra,
});

describe('trainRL', () => {
  it('stops with a clear error after K consecutive non-finite updates, logging each', async () => {
    // a policy whose final norm is NaN (so every loss is NaN), sampled through an engine on the
    // intact policy (so the rollouts are ordinary)
    const broken = await loadCausalLM(modelDir);
    const norm = broken.namedParameters().find(([n]) => n === 'model.norm.weight')![1];
    norm.assign(norm.mul(NaN));
    await broken.save(join(root, 'nan-policy'));
    broken.dispose();
    await copyFile(join(modelDir, 'tokenizer.json'), join(root, 'nan-policy', 'tokenizer.json'));
    const intact = await loadCausalLM(modelDir);
    const engine = createLocalEngine(intact, await loadTokenizer(modelDir));
    const cfg = parseRLConfig(rl('nan', { model: { path: join(root, 'nan-policy'), backend: 'wasm' }, trainer: { steps: 5, promptsPerStep: 2, saveEvery: 0, maxNonFiniteInRow: 2 } }));
    const err = await trainRL(cfg, { engine }).catch((e) => e);
    intact.dispose();
    expect(err).toBeInstanceOf(NonFiniteTrainingError);
    expect(String(err.message)).toMatch(/training stopped at step 2: 2 consecutive updates were skipped/);
    const lines = readFileSync(join(root, 'nan', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ updates: 0, skippedUpdates: 1 });
    expect(lines[0].events[0]).toMatch(/loss is NaN/);
  });
  it('writes config, metrics, samples and keeps the last K checkpoints; refuses to overwrite with resume never', async () => {
    const phases = new Set<string>();
    const saved: number[] = [];
    const r = await trainRL(parseRLConfig(rl('files')), { hooks: { onPhase: (p) => phases.add(p), onCheckpoint: (d, s) => { expect(existsSync(join(d, 'manifest.json'))).toBe(true); saved.push(s); } } });
    expect(saved).toEqual([2, 4, 5]);
    expect(r).toMatchObject({ steps: 5, aborted: false });
    expect(r.checkpointDir).toBe(join(root, 'files', 'checkpoints', 'step-5'));
    for (const f of ['model.safetensors', 'config.json', 'tokenizer.json', 'optimizer.json', 'optimizer.bin', 'trainer_state.json', 'manifest.json']) {
      expect(existsSync(join(r.checkpointDir!, f))).toBe(true);
    }
    expect(existsSync(join(root, 'files', 'checkpoints', 'step-2'))).toBe(false); // keepLast 2: step-4, step-5
    expect(existsSync(join(root, 'files', 'checkpoints', 'step-4'))).toBe(true);
    expect(JSON.parse(readFileSync(join(root, 'files', 'config.json'), 'utf8')).actor.lr).toBe(1e-3);
    expect(readFileSync(join(root, 'files', 'samples.jsonl'), 'utf8').trim().split('\n')).toHaveLength(15);
    expect([...phases]).toEqual(expect.arrayContaining(['generate', 'grade', 'forward', 'update', 'checkpoint']));
    // a finished run resumed with 'auto' has nothing left to do
    expect((await trainRL(parseRLConfig(rl('files')))).steps).toBe(5);
    await expect(trainRL(parseRLConfig(rl('files', { trainer: { steps: 5, promptsPerStep: 2, resume: 'never' } })))).rejects.toThrow(/already has metrics/);
  });
});

describe('issue 13: run files on resume, on early failure and at a checkpoint', () => {
  const readJsonl = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  it('issue 13 point 2: a resume with changed training fields is refused with the list of fields; allowed, it is recorded in config-history.jsonl', async () => {
    const base = rl('cfgchange', { trainer: { steps: 2, promptsPerStep: 2, saveEvery: 1 } });
    expect((await trainRL(parseRLConfig(base))).steps).toBe(2);
    const configPath = join(root, 'cfgchange', 'config.json');
    const before = readFileSync(configPath, 'utf8');
    const changed = rl('cfgchange', {
      actor: { lr: 2e-3, miniBatchSize: 2, microBatchSize: 4 }, algorithm: { verl: { enabled: true } },
      trainer: { steps: 3, promptsPerStep: 2, saveEvery: 1 },
    });
    const err = await trainRL(parseRLConfig(changed)).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigChangeError);
    expect(err.message).toMatch(/changed: actor\.lr 0\.001 → 0\.002, algorithm\.verl\.enabled false → true\./);
    expect(err.message).not.toMatch(/trainer\.steps/); // constant lr: extending the run is not a training change
    expect(readFileSync(configPath, 'utf8')).toBe(before);
    expect(existsSync(join(root, 'cfgchange', 'config-history.jsonl'))).toBe(false);
    expect(readJsonl(join(root, 'cfgchange', 'metrics.jsonl'))).toHaveLength(2);
    // allowed: the run continues and the run folder records the change and the step it applies from
    const r = await trainRL(parseRLConfig(changed), { allowConfigChange: true });
    expect(r.steps).toBe(3);
    const history = readJsonl(join(root, 'cfgchange', 'config-history.jsonl'));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ step: 2, trainingFields: ['actor.lr', 'algorithm.verl.enabled'] });
    expect(history[0].changes).toEqual(expect.arrayContaining([
      { path: 'actor.lr', before: 1e-3, after: 2e-3 }, { path: 'trainer.steps', before: 2, after: 3 },
    ]));
    expect(JSON.parse(readFileSync(configPath, 'utf8')).actor.lr).toBe(2e-3);
    // fields that do not change training (checkpoint cadence) pass without the flag and are recorded
    const cadence = rl('cfgchange', { ...changed, trainer: { steps: 4, promptsPerStep: 2, saveEvery: 2 } });
    expect((await trainRL(parseRLConfig(cadence))).steps).toBe(4);
    expect(readJsonl(join(root, 'cfgchange', 'config-history.jsonl'))[1]).toMatchObject({ step: 3, trainingFields: [] });
    // a shaper field is a training field like any other: refused, or recorded and used (the saved
    // EMAs continue; the settings are the config's, not the checkpoint's)
    const kappa = rl('cfgchange', { ...changed, algorithm: { verl: { enabled: true, shaper: { kappa: 3 } } }, trainer: { steps: 5, promptsPerStep: 2, saveEvery: 1 } });
    await expect(trainRL(parseRLConfig(kappa))).rejects.toThrow(/changed: algorithm\.verl\.shaper\.kappa 2 → 3\./);
    expect((await trainRL(parseRLConfig(kappa), { allowConfigChange: true })).steps).toBe(5);
    const state = JSON.parse(readFileSync(join(root, 'cfgchange', 'checkpoints', 'step-5', 'trainer_state.json'), 'utf8'));
    expect(state.shaper.config.kappa).toBe(3);
    expect(state.shaper.state.steps).toBe(3); // VERL on since step 3: the EMAs of steps 3 and 4 carried over
  });
  it('issue 13 point 2: with a cosine lr schedule a changed step count is a training change', async () => {
    const cos = (steps: number) => rl('cfgcosine', { actor: { lr: 1e-3, miniBatchSize: 2, microBatchSize: 4, schedule: 'cosine' }, trainer: { steps, promptsPerStep: 2, saveEvery: 1 } });
    await trainRL(parseRLConfig(cos(1)));
    await expect(trainRL(parseRLConfig(cos(2)))).rejects.toThrow(/changed: trainer\.steps 1 → 2\./);
  });
  it('issue 13 point 9: no run folder is left behind when training fails or stops before step 1', async () => {
    const missing = rl('fails-early', { model: { path: join(root, 'no-such-model'), backend: 'wasm' } });
    await expect(trainRL(parseRLConfig(missing))).rejects.toThrow();
    expect(existsSync(join(root, 'fails-early'))).toBe(false);
    await expect(trainRL(parseRLConfig(rl('no-data')), { problems: [] })).rejects.toThrow(/training data is empty/);
    expect(existsSync(join(root, 'no-data'))).toBe(false);
    const ac = new AbortController();
    const stopped = await trainRL(parseRLConfig(rl('stopped-early')), { hooks: { signal: ac.signal, onPhase: () => ac.abort() } });
    expect(stopped).toMatchObject({ steps: 0, aborted: true, discarded: true, checkpointDir: null, checkpointStep: null });
    expect(existsSync(join(root, 'stopped-early'))).toBe(false);
    // a folder that existed before is not removed
    mkdirSync(join(root, 'kept'), { recursive: true });
    await expect(trainRL(parseRLConfig(rl('kept')), { problems: [] })).rejects.toThrow();
    expect(existsSync(join(root, 'kept'))).toBe(true);
  });
  it('issue 13 point 4: a step\'s metrics and samples are on disk before its checkpoint lands', async () => {
    const seen: [number, number, number][] = [];
    await trainRL(parseRLConfig(rl('order', { trainer: { steps: 3, promptsPerStep: 2, saveEvery: 1 } })), { hooks: {
      onCheckpoint: (_d, step) => {
        const samples = readJsonl(join(root, 'order', 'samples.jsonl'));
        seen.push([step, readJsonl(join(root, 'order', 'metrics.jsonl')).length, Math.max(...samples.map((x) => x.step))]);
      },
    } });
    expect(seen).toEqual([[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
  });
  it('issue 13 point 4: SFT writes a step\'s metrics before its checkpoint', async () => {
    const seen: number[][] = [];
    await trainSFT(parseSFTConfig({
      name: 'sft-order', outputDir: root, model: { path: modelDir, backend: 'wasm' },
      data: { source: 'arithmetic', count: 10, difficulty: 1, template: 'arithmetic' }, steps: 2, batchSize: 4, microBatchSize: 4, saveEvery: 1,
    }), { hooks: { onCheckpoint: (_d, step) => { seen.push([step, readJsonl(join(root, 'sft-order', 'metrics.jsonl')).length]); } } });
    expect(seen).toEqual([[1, 1], [2, 2]]);
  });
});

describe('trainSFT', () => {
  const sft = (name: string): SFTConfigInput => ({
    name, outputDir: root, model: { path: modelDir, backend: 'wasm' },
    data: { source: 'arithmetic', count: 30, difficulty: 1, template: 'arithmetic' },
    steps: 6, batchSize: 8, microBatchSize: 3, lr: 5e-3, warmupSteps: 2, saveEvery: 0,
  });
  it('lowers the loss, and 3 steps + abort + resume equal 6 steps in one go', async () => {
    const full = await trainSFT(parseSFTConfig(sft('sft-full')));
    const losses = readFileSync(join(full.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).loss as number);
    expect(losses[5]).toBeLessThan(losses[0]);
    const ac = new AbortController();
    const part = await trainSFT(parseSFTConfig(sft('sft-split')), { hooks: { signal: ac.signal, onStep: (m) => { if (m.step === 3) ac.abort(); } } });
    expect(part).toMatchObject({ steps: 3, aborted: true });
    const rest = await trainSFT(parseSFTConfig(sft('sft-split')));
    expect(rest.steps).toBe(6);
    const a = await loadCausalLM(full.modelDir); const wa = a.trainableVariables().map((v) => Array.from(v.dataSync())); a.dispose();
    const b = await loadCausalLM(rest.modelDir); const wb = b.trainableVariables().map((v) => Array.from(v.dataSync())); b.dispose();
    let maxDiff = 0;
    wa.forEach((w, i) => w.forEach((x, k) => { maxDiff = Math.max(maxDiff, Math.abs(x - wb[i][k])); }));
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    const strip = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => { const m = JSON.parse(l); delete m.time; delete m.tokensPerSec; return m; });
    expect(strip(join(rest.runDir, 'metrics.jsonl'))).toEqual(strip(join(full.runDir, 'metrics.jsonl')));
  });
});

describe('issue 13 point 2 in SFT', () => {
  it('a resumed SFT run with a changed lr is refused, allowed with allowConfigChange', async () => {
    const cfg = (lr: number, steps: number): SFTConfigInput => ({
      name: 'sft-change', outputDir: root, model: { path: modelDir, backend: 'wasm' },
      data: { source: 'arithmetic', count: 10, difficulty: 1, template: 'arithmetic' }, steps, batchSize: 4, microBatchSize: 4, lr, saveEvery: 1,
    });
    await trainSFT(parseSFTConfig(cfg(1e-3, 1)));
    // the default cosine schedule makes the step count a training field too
    await expect(trainSFT(parseSFTConfig(cfg(2e-3, 2)))).rejects.toThrow(/changed: lr 0\.001 → 0\.002, steps 1 → 2\./);
    const r = await trainSFT(parseSFTConfig(cfg(2e-3, 2)), { allowConfigChange: true });
    expect(r.steps).toBe(2);
    expect(JSON.parse(readFileSync(join(root, 'sft-change', 'config-history.jsonl'), 'utf8'))).toMatchObject({ step: 1, trainingFields: ['lr', 'steps'] });
  });
});

describe('trainRL with a remote rollout engine', () => {
  it('trains from completions served over HTTP (OpenAI /v1/completions on 127.0.0.1)', async () => {
    const { createCompletionsServer, createLocalEngine } = await import('@verl-ts/rollout');
    const { loadTokenizer } = await import('@verl-ts/models');
    const served = await loadCausalLM(modelDir);
    const tok = await loadTokenizer(modelDir);
    const server = createCompletionsServer({ engine: createLocalEngine(served, tok), tokenizer: tok, modelName: 'tiny' });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await trainRL(parseRLConfig(rl('remote', {
        rollout: { engine: 'remote', n: 2, maxNewTokens: 6, remote: { baseUrl: `http://127.0.0.1:${port}`, model: 'tiny' } },
        trainer: { steps: 2, promptsPerStep: 2, saveEvery: 0 },
      })));
      expect(r.steps).toBe(2);
      const lines = readFileSync(join(r.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines[1].updates).toBe(1);
      expect(lines[0].responseLengthMean).toBeGreaterThan(0);
      expect(Number.isFinite(lines[1].gradNorm)).toBe(true);
    } finally {
      await new Promise((res) => server.close(res));
      served.dispose();
    }
  });
});

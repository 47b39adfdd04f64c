// trainRL / trainSFT behaviour beyond exact resume: the non-finite guard, SFT resume, run files.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCausalLM } from '@verl-ts/models';
import { trainRL, NonFiniteTrainingError } from './train-rl.js';
import { trainSFT } from './train-sft.js';
import { parseRLConfig, parseSFTConfig, type RLConfigInput, type SFTConfigInput } from './config.js';
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
    const cfg = parseRLConfig(rl('nan', { trainer: { steps: 5, promptsPerStep: 2, saveEvery: 0, maxNonFiniteInRow: 2 } }));
    const err = await trainRL(cfg, {}, { computeAdvantages: (_n, i) => i.rewards.map(() => NaN) }).catch((e) => e);
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
    const r = await trainRL(parseRLConfig(rl('files')), { onPhase: (p) => phases.add(p), onCheckpoint: (d, s) => { expect(existsSync(join(d, 'manifest.json'))).toBe(true); saved.push(s); } });
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
    const part = await trainSFT(parseSFTConfig(sft('sft-split')), { signal: ac.signal, onStep: (m) => { if (m.step === 3) ac.abort(); } });
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

// Exact resume: 6 steps in one go versus 3 steps (stopped by the abort signal, which
// checkpoints the last finished step) plus a resumed run of the remaining 3, both in this
// process (everything rebuilt from disk) and in a fresh Node process (when dist is built).
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { loadCausalLM } from '@verl-ts/models';
import { trainRL } from './train-rl.js';
import { parseRLConfig, parseSFTConfig, type RLConfigInput } from './config.js';
import { trainSFT } from './train-sft.js';
import { listCheckpoints } from './checkpoint.js';
import { writeTinyPolicy } from './test-utils/tiny-policy.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'trainer-resume-'));
let modelDir = '';

function configFor(name: string): RLConfigInput {
  return {
    name, outputDir: root, seed: 3, model: { path: modelDir, backend: 'wasm' },
    data: { source: 'arithmetic', count: 40, difficulty: 1, template: 'arithmetic', seed: 5 },
    rollout: { n: 2, maxNewTokens: 8, temperature: 1 },
    reward: { fn: 'paper' },
    actor: { lr: 1e-2, klCoef: 0.05, entropyCoef: 0.01, miniBatchSize: 2, microBatchSize: 3, logProbMicroBatchSize: 3, schedule: 'cosine', warmupSteps: 2 },
    algorithm: { verl: { enabled: true } },
    metrics: { stride: 2, maxTokens: 512, samplesPerStep: 2 },
    trainer: { steps: 6, promptsPerStep: 4, saveEvery: 0, keepLast: 2, resume: 'auto' },
  };
}

function metricLines(runDir: string): Record<string, unknown>[] {
  return readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
    const m = JSON.parse(l);
    delete m.time; delete m.tokensPerSec; delete m.generateTokensPerSec;
    return m;
  });
}

async function weights(dir: string): Promise<Float32Array[]> {
  const m = await loadCausalLM(dir);
  const w = m.trainableVariables().map((v) => v.dataSync().slice() as Float32Array);
  m.dispose();
  return w;
}

function expectClose(a: Float32Array[], b: Float32Array[]): void {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  a.forEach((x, i) => { for (let k = 0; k < x.length; k++) maxDiff = Math.max(maxDiff, Math.abs(x[k] - b[i][k])); });
  expect(maxDiff).toBeLessThanOrEqual(1e-6);
}

describe('exact resume', () => {
  let full: { metrics: Record<string, unknown>[]; weights: Float32Array[] };
  beforeAll(async () => {
    // a briefly SFT'd policy, so rewards vary (boxed or not, sometimes right) and the policy
    // gradient and the VERL bonus are not zero
    const init = await writeTinyPolicy(join(root, 'init'), { seed: 7 });
    const sft = await trainSFT(parseSFTConfig({
      name: 'sft', outputDir: root, model: { path: init, backend: 'wasm' }, data: { source: 'arithmetic', count: 60, difficulty: 1, template: 'arithmetic' },
      steps: 40, batchSize: 16, microBatchSize: 16, lr: 1e-2, schedule: 'constant', saveEvery: 0,
    }));
    modelDir = sft.modelDir;
    const r = await trainRL(parseRLConfig(configFor('full')));
    expect(r.steps).toBe(6);
    full = { metrics: metricLines(r.runDir), weights: await weights(r.checkpointDir!) };
    expect(full.metrics).toHaveLength(6);
    // the run is not trivial: rewards vary, the policy gradient and the VERL bonus are non-zero
    expect(full.metrics.some((m) => (m.rewardStd as number) > 0)).toBe(true);
    expect(full.metrics.some((m) => Math.abs(m.pgLoss as number) > 0)).toBe(true);
    expect(full.metrics.some((m) => ((m.shaper as Record<string, number>).bonus_mean ?? 0) > 0)).toBe(true);
  }, 180_000);

  it('3 steps + abort + resume in a rebuilt trainer equals 6 steps in one go', async () => {
    const ac = new AbortController();
    const first = await trainRL(parseRLConfig(configFor('split')), { hooks: { signal: ac.signal, onStep: (m) => { if (m.step === 3) ac.abort(); } } });
    expect(first).toMatchObject({ steps: 3, aborted: true });
    expect((await listCheckpoints(first.runDir)).map((c) => c.step)).toEqual([3]);
    const second = await trainRL(parseRLConfig(configFor('split')));
    expect(second).toMatchObject({ steps: 6, aborted: false });
    expect(metricLines(second.runDir)).toEqual(full.metrics);
    expectClose(await weights(second.checkpointDir!), full.weights);
  }, 180_000);

  const dist = join(here, '..', 'dist', 'index.js');
  it.skipIf(!existsSync(dist))('resume in a fresh Node process (built package) equals 6 steps in one go', async () => {
    const ac = new AbortController();
    const first = await trainRL(parseRLConfig(configFor('child')), { hooks: { signal: ac.signal, onStep: (m) => { if (m.step === 3) ac.abort(); } } });
    expect(first.steps).toBe(3);
    const out = execFileSync(process.execPath, [join(here, 'test-utils', 'resume-child.mjs'), JSON.stringify(configFor('child'))], { encoding: 'utf8', cwd: join(here, '..') });
    const res = JSON.parse(out.trim().split('\n').pop()!);
    expect(res.steps).toBe(6);
    expect(metricLines(first.runDir)).toEqual(full.metrics);
    expectClose(await weights(res.checkpointDir), full.weights);
  }, 180_000);
});

// verl train with rollout.engine 'llamacpp': the CLI builds the llama.cpp engine, the trainer syncs
// the updated policy into it after every step, and the run samples what the local engine samples.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal: new AbortController().signal } };
}

describe('verl train with rollout.engine llamacpp', () => {
  it('syncs the policy after every update and draws the same rollouts as the local engine', async () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'verl-train-model-'));
    await writeTinyTestModel(modelDir);
    const out = mkdtempSync(join(tmpdir(), 'verl-train-llamacpp-'));
    const run = async (engine: 'local' | 'llamacpp') => {
      const cfgPath = join(out, `${engine}.json`);
      writeFileSync(cfgPath, JSON.stringify({
        name: engine, outputDir: out, model: { path: modelDir }, seed: 3,
        data: { source: 'arithmetic', template: 'arithmetic', difficulty: 1, count: 32 },
        rollout: { engine, n: 2, maxNewTokens: 6 }, actor: { lr: 1e-2, miniBatchSize: 2, microBatchSize: 4, logProbMicroBatchSize: 4 },
        metrics: { stride: 2 }, trainer: { steps: 3, promptsPerStep: 2, saveEvery: 3 },
      }));
      const c = capture();
      expect(await main(['train', '--config', cfgPath], c.io), c.err.join('')).toBe(0);
      const metrics = readFileSync(join(out, engine, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      return { metrics, err: c.err.join('') };
    };
    const local = await run('local');
    const llama = await run('llamacpp');
    expect(llama.err).toMatch(/llama\.cpp weight sync: 3 syncs, [\d.]+ s each \(save [\d.]+, export [\d.]+, load [\d.]+\)/);
    expect(llama.metrics).toHaveLength(3);
    // same seed, same weights after each sync (the update moves them: kl > 0 from step 2): the same
    // responses, so the same rewards, lengths and effective ranks of their hidden states
    expect(llama.metrics[2].kl).toBeGreaterThan(0);
    const pick = (m: Record<string, unknown>) => [m.step, m.rewardMean, m.responseLengthMean, m.truncationRate, m.erMean, m.kl];
    expect(llama.metrics.map(pick)).toEqual(local.metrics.map(pick));
  });
});

// Learning for real (small enough for CI on 2 cores): a tiny Qwen2-style policy is SFT-ed from
// scratch on the synthetic arithmetic task just long enough to use the \boxed{} format but
// mostly answer wrongly; then fixed-seed GRPO runs (plain, and with VERL shaping) on a small
// pool of problems raise its greedy accuracy on that pool clearly. Rewards come from the real
// verifier. Held-out accuracy over longer runs is measured by the bench script (see README).
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arithmeticProblems, formatPrompt } from '@verl-ts/datasets';
import { loadCausalLM, loadTokenizer, type CausalLM, type Tokenizer } from '@verl-ts/models';
import { createLocalEngine } from '@verl-ts/rollout';
import { gradeAnswer } from '@verl-ts/verifiers';
import { trainSFT } from './train-sft.js';
import { trainRL } from './train-rl.js';
import { parseRLConfig, parseSFTConfig } from './config.js';
import { evaluateAccuracy } from './evaluate.js';

const root = mkdtempSync(join(tmpdir(), 'trainer-learn-'));
const pool = arithmeticProblems({ count: 12, seed: 4, split: 'train', difficulty: 1 });
const grade = async (r: string, p: { answer: string }) => (await gradeAnswer(r, p)).correct;

async function accuracy(dir: string): Promise<number> {
  const model = await loadCausalLM(dir, { backend: 'wasm' });
  const tok = await loadTokenizer(dir);
  const engine = createLocalEngine(model, tok as Tokenizer, { batchSize: 64 });
  const r = await evaluateAccuracy(engine, tok, pool, { template: 'arithmetic', formatPrompt, grade, maxNewTokens: 16 });
  (model as CausalLM).dispose();
  return r.accuracy;
}

describe('GRPO learns on the tiny arithmetic task', () => {
  let start = '';
  let startAcc = 0;
  beforeAll(async () => {
    const sft = await trainSFT(parseSFTConfig({
      name: 'sft', outputDir: root, seed: 1, model: { create: { hiddenSize: 48, intermediateSize: 128, numHeads: 3, numKvHeads: 1, headDim: 16 }, backend: 'wasm' },
      data: { source: 'arithmetic', count: 160, difficulty: 1, template: 'arithmetic' },
      steps: Number(process.env.SFT_STEPS ?? 140), batchSize: 32, microBatchSize: 32, lr: 3e-3, warmupSteps: 5, schedule: 'constant', saveEvery: 0,
    }));
    start = sft.modelDir;
    startAcc = await accuracy(start);
    console.log('start accuracy', startAcc);
  }, 300_000);

  for (const verl of [false, true]) {
    it(`fixed-seed GRPO${verl ? ' + VERL' : ''} raises accuracy from <= 30% to >= 60%`, async () => {
      expect(startAcc).toBeLessThanOrEqual(0.3);
      const r = await trainRL(parseRLConfig({
        name: verl ? 'grpo-verl' : 'grpo', outputDir: root, seed: 2, model: { path: start, backend: 'wasm' },
        data: { source: 'arithmetic', template: 'arithmetic' },
        rollout: { n: 8, maxNewTokens: 16, temperature: 1 },
        actor: { lr: Number(process.env.LEARN_LR ?? 3e-4), klCoef: 0.001, entropyCoef: 0, miniBatchSize: 6, microBatchSize: 48, logProbMicroBatchSize: 48 },
        algorithm: { verl: { enabled: verl } },
        metrics: { stride: 2, samplesPerStep: 2 },
        trainer: { steps: Number(process.env.LEARN_STEPS ?? 40), promptsPerStep: 6, saveEvery: 0 },
      }), { onStep: (m) => { if (process.env.LEARN_LOG) console.log(m.step, (m as { rewardMean: number }).rewardMean); } }, { loadProblems: async () => pool });
      const acc = await accuracy(r.checkpointDir!);
      console.log(verl ? 'GRPO+VERL' : 'GRPO', 'accuracy', startAcc, '->', acc);
      expect(acc).toBeGreaterThanOrEqual(0.6);
      const lines = readFileSync(join(r.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const bonus = lines.map((m) => (m.shaper.bonus_mean as number | undefined) ?? 0);
      // with VERL on, the shaper's bonus really reaches the advantages; off, there is none
      if (verl) expect(Math.max(...bonus)).toBeGreaterThan(0);
      else expect(bonus.every((b) => b === 0)).toBe(true);
    }, 300_000);
  }
});

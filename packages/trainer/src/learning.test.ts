// Learning for real, on HELD-OUT problems (small enough for CI on 2 cores). The starting policy
// (fixtures/learn-policy, made by bench/make-learn-policy.mjs; recipe.json says how) is a tiny
// Qwen2-style decoder SFT-ed from scratch on the synthetic arithmetic task, first on worked
// solutions (`3*4-5=` → `12-5=\boxed{7}`), then on a mixture of 25% worked and 75% direct answers
// (`\boxed{7}`, no intermediate step). It mostly answers in one shot, which it gets mostly wrong,
// and can work problems out, which it gets mostly right; the first response token picks the
// style. A fixed-seed GRPO run with the real verifier's reward on training-split problems must
// raise greedy accuracy on test-split problems (never trained on, in SFT or RL) from <= 30% to
// >= 60%, with and without VERL shaping (whose bonus must reach the advantages). This is the
// RLVR story at small scale: RL selects a reasoning behaviour the starting policy already has.
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arithmeticProblems, arithmeticSplitOf, formatPrompt, type ArithmeticDifficulty } from '@verl-ts/datasets';
import { loadCausalLM, loadTokenizer, type Tokenizer } from '@verl-ts/models';
import { createLocalEngine } from '@verl-ts/rollout';
import { gradeAnswer } from '@verl-ts/verifiers';
import { trainRL } from './train-rl.js';
import { parseRLConfig } from './config.js';
import { evaluateAccuracy } from './evaluate.js';

const policyDir = fileURLToPath(new URL('../fixtures/learn-policy', import.meta.url));
const recipe = JSON.parse(readFileSync(join(policyDir, 'recipe.json'), 'utf8')) as { difficulty: Partial<ArithmeticDifficulty> };
const root = mkdtempSync(join(tmpdir(), 'trainer-learn-'));
const heldOut = arithmeticProblems({ count: Number(process.env.LEARN_HELD_OUT ?? 300), seed: 77, split: 'test', difficulty: recipe.difficulty });
const grade = async (r: string, p: { answer: string }) => (await gradeAnswer(r, p)).correct;

/** greedy accuracy on the held-out problems, and the share of responses that work the problem out */
async function evaluate(dir: string): Promise<{ accuracy: number; worked: number }> {
  const model = await loadCausalLM(dir, { backend: 'wasm' });
  const tok = await loadTokenizer(dir);
  const engine = createLocalEngine(model, tok as Tokenizer, { batchSize: 128 });
  const r = await evaluateAccuracy(engine, tok, heldOut, { template: 'arithmetic', formatPrompt, grade, maxNewTokens: 16 });
  model.dispose();
  return { accuracy: r.accuracy, worked: r.responses.filter((s) => !s.startsWith('\\')).length / r.responses.length };
}

describe('GRPO raises held-out accuracy on the tiny arithmetic task', () => {
  let start = { accuracy: 0, worked: 0 };
  beforeAll(async () => {
    expect(heldOut.every((p) => arithmeticSplitOf(p.question) === 'test')).toBe(true);
    start = await evaluate(policyDir);
    console.log(`start: held-out ${(100 * start.accuracy).toFixed(0)}%, worked ${(100 * start.worked).toFixed(0)}%`);
  }, 120_000);

  for (const verl of [false, true]) {
    it(`fixed-seed GRPO${verl ? ' + VERL' : ''}: held-out accuracy from <= 30% to >= 60%`, async () => {
      expect(start.accuracy).toBeLessThanOrEqual(0.3);
      const r = await trainRL(parseRLConfig({
        name: verl ? 'grpo-verl' : 'grpo', outputDir: root, seed: Number(process.env.LEARN_SEED ?? 3), model: { path: policyDir, backend: 'wasm' },
        data: { source: 'arithmetic', template: 'arithmetic', difficulty: recipe.difficulty, count: 1000, seed: 3 },
        rollout: { n: 8, maxNewTokens: 16, temperature: 1 }, reward: { fn: 'binary' },
        actor: { lr: Number(process.env.LEARN_LR ?? 3e-4), klCoef: 0.001, entropyCoef: 0, miniBatchSize: 16, microBatchSize: 128, logProbMicroBatchSize: 128 },
        algorithm: { verl: { enabled: verl } },
        metrics: { stride: 2, samplesPerStep: 0 },
        trainer: { steps: Number(process.env.LEARN_STEPS ?? 20), promptsPerStep: 16, saveEvery: 0 },
      }), { hooks: { onStep: (m) => { if (process.env.LEARN_LOG) console.log(m.step, m.rewardMean); } } });
      const end = await evaluate(r.checkpointDir!);
      console.log(`${verl ? 'GRPO+VERL' : 'GRPO'}: held-out ${(100 * start.accuracy).toFixed(0)}% -> ${(100 * end.accuracy).toFixed(0)}%, worked ${(100 * start.worked).toFixed(0)}% -> ${(100 * end.worked).toFixed(0)}%`);
      expect(end.accuracy).toBeGreaterThanOrEqual(0.6);
      // the gain comes from selecting the worked-out behaviour
      expect(end.worked).toBeGreaterThan(start.worked + 0.3);
      const lines = readFileSync(join(r.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const bonus = lines.map((m) => (m.shaper.bonus_mean as number | undefined) ?? 0);
      // with VERL on, the shaper's bonus really reaches the advantages; off, there is none
      if (verl) expect(Math.max(...bonus)).toBeGreaterThan(0);
      else expect(bonus.every((b) => b === 0)).toBe(true);
    }, 300_000);
  }
});

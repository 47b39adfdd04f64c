// The longer learning run that does not fit CI: SFT a tiny policy from scratch on the level-1
// arithmetic task, then GRPO and GRPO+VERL from it with the same seed, and report held-out
// accuracy (test split, never seen in training) greedy and sampled at T = 1 (4 samples per
// problem), before and after, next to sampled accuracy on the RL training pool. Baseline = the SFT policy, measured
// in the same run.
// Usage: pnpm --filter @verl-ts/trainer bench:learn
//   (env: LEARN_SFT_STEPS 200, LEARN_RL_STEPS 40, LEARN_LR 1e-4, LEARN_PROMPTS 16, LEARN_N 8, LEARN_ESTIMATOR grpo)
import { mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { trainRL, trainSFT, parseRLConfig, parseSFTConfig, evaluateAccuracy } from '@verl-ts/trainer';
import { loadCausalLM, loadTokenizer } from '@verl-ts/models';
import { createLocalEngine } from '@verl-ts/rollout';
import { arithmeticProblems, formatPrompt } from '@verl-ts/datasets';
import { gradeAnswer } from '@verl-ts/verifiers';

const out = mkdtempSync(join(tmpdir(), 'trainer-learn-bench-'));
const sftSteps = Number(process.env.LEARN_SFT_STEPS ?? 200);
const rlSteps = Number(process.env.LEARN_RL_STEPS ?? 40);
const lr = Number(process.env.LEARN_LR ?? 1e-4);
const prompts = Number(process.env.LEARN_PROMPTS ?? 16);
const n = Number(process.env.LEARN_N ?? 8);
const estimator = process.env.LEARN_ESTIMATOR ?? 'grpo';
const data = { source: 'arithmetic', template: 'arithmetic', difficulty: 1, count: 160 };
const test = arithmeticProblems({ count: 30, seed: 0, split: 'test', difficulty: 1 });
const train = arithmeticProblems({ count: 160, seed: 0, split: 'train', difficulty: 1 }); // = the RL data (data.seed 0)
const grade = async (r, p) => (await gradeAnswer(r, p)).correct;

async function heldOut(dir) {
  const model = await loadCausalLM(dir, { backend: 'wasm' });
  const tok = await loadTokenizer(dir);
  const engine = createLocalEngine(model, tok, { batchSize: 128 });
  const o = { template: 'arithmetic', formatPrompt, grade, maxNewTokens: 16 };
  const greedy = (await evaluateAccuracy(engine, tok, test, o)).accuracy;
  const sampled = (await evaluateAccuracy(engine, tok, test.flatMap((p) => [p, p, p, p]), { ...o, temperature: 1, seed: 7 })).accuracy;
  const trainSampled = (await evaluateAccuracy(engine, tok, train.flatMap((p) => [p, p]), { ...o, temperature: 1, seed: 7 })).accuracy;
  model.dispose();
  return { greedy, sampled, trainSampled };
}

let t = performance.now();
const sft = await trainSFT(parseSFTConfig({
  name: 'sft', outputDir: out, seed: 0, model: { create: { hiddenSize: 64 }, backend: 'wasm' }, data,
  steps: sftSteps, batchSize: 32, microBatchSize: 32, lr: 3e-3, warmupSteps: 10, schedule: 'cosine', saveEvery: 0,
}));
console.log(`SFT ${sftSteps} steps: ${((performance.now() - t) / 1000).toFixed(0)} s`);
const start = await heldOut(sft.modelDir);
const rows = [['start (SFT)', start]];
for (const verl of [false, true]) {
  t = performance.now();
  const r = await trainRL(parseRLConfig({
    name: verl ? 'grpo-verl' : 'grpo', outputDir: out, seed: 1, model: { path: sft.modelDir, backend: 'wasm' }, data,
    rollout: { n, maxNewTokens: 16, temperature: 1 }, reward: { fn: 'binary' },
    actor: { lr, klCoef: 0.001, entropyCoef: 0, miniBatchSize: prompts, microBatchSize: 128, logProbMicroBatchSize: 128 },
    algorithm: { estimator, verl: { enabled: verl } }, metrics: { stride: 2, samplesPerStep: 0 },
    trainer: { steps: rlSteps, promptsPerStep: prompts, saveEvery: 0 },
  }));
  console.log(`${verl ? 'GRPO+VERL' : 'GRPO'} ${rlSteps} steps: ${((performance.now() - t) / 1000).toFixed(0)} s`);
  rows.push([verl ? 'GRPO+VERL' : 'GRPO', await heldOut(r.checkpointDir)]);
}
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; wasm; ${estimator}, lr ${lr}, ${prompts} prompts × ${n} per step; held-out: ${test.length} test problems`);
console.log('policy        held-out greedy   held-out T=1 (avg@4)   train-pool T=1 (avg@2)');
const pct = (x) => `${(100 * x).toFixed(1)}%`.padStart(6);
for (const [name, acc] of rows) {
  const ratio = start.sampled > 0 ? ` (${(acc.sampled / start.sampled).toFixed(2)}x)` : '';
  console.log(`${name.padEnd(13)} ${pct(acc.greedy)}            ${pct(acc.sampled)}${ratio.padEnd(9)}        ${pct(acc.trainSampled)}`);
}

// Makes the starting policy of the held-out learning test (src/learning.test.ts), checked in as
// fixtures/learn-policy/: a tiny Qwen2-style decoder (d 64, 2 layers, ~0.1M parameters, character
// tokenizer) SFT-ed from scratch on two-operation arithmetic over 0-5 (`+ - *`) in two stages
// with trainSFT:
//   1. worked solutions only (`3*4-5=` → `12-5=\boxed{7}`), until the model can work problems out;
//   2. at a lower lr, a mixture of 25% worked and 75% direct solutions (`\boxed{7}`, no
//      intermediate step), so
//      the policy mostly answers in one shot, which a model this small gets mostly wrong, and
//      only sometimes works the problem out, which it gets mostly right.
// RL with a verifiable reward then has a behaviour to select (the first response token decides
// the style), and the gain shows on held-out problems.
// Usage: pnpm --filter @verl-ts/trainer build && node packages/trainer/bench/make-learn-policy.mjs
//   (env: POLICY_STAGE1_STEPS, POLICY_STAGE2_STEPS, POLICY_WORKED_FRACTION, POLICY_OUT)
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainSFT, parseSFTConfig } from '@verl-ts/trainer';

const here = dirname(fileURLToPath(import.meta.url));
const target = process.env.POLICY_OUT ?? join(here, '..', 'fixtures', 'learn-policy');
const work = mkdtempSync(join(tmpdir(), 'trainer-learn-policy-'));
const stage1Steps = Number(process.env.POLICY_STAGE1_STEPS ?? 600);
const stage2Steps = Number(process.env.POLICY_STAGE2_STEPS ?? 60);
const stage2Lr = Number(process.env.POLICY_STAGE2_LR ?? 5e-4);
const workedFraction = Number(process.env.POLICY_WORKED_FRACTION ?? 0.25);
// Small numbers keep the facts a worked step needs few (36 pairs per operator), so the worked
// style generalises after a short SFT, while a one-shot answer needs two operations at once.
const difficulty = { steps: 2, maxOperand: 5, maxFactor: 5, operators: ['+', '-', '*'] };
const count = 1500; // of the 1,568 training-split expressions at this difficulty
const common = { outputDir: work, seed: 0, schedule: 'constant', batchSize: 64, microBatchSize: 64, maxSeqLen: 48, saveEvery: 0 };
const t0 = performance.now();
const stage1 = await trainSFT(parseSFTConfig({
  ...common, name: 'worked', lr: 3e-3, warmupSteps: 10, steps: stage1Steps,
  model: { create: { hiddenSize: 64, intermediateSize: 192, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, maxPositionEmbeddings: 64 }, backend: 'wasm' },
  data: { source: 'arithmetic', template: 'arithmetic', difficulty, count, seed: 0 },
}), { hooks: { onStep: (m) => { if (m.step % 100 === 0) console.log(`worked ${m.step}: loss ${m.loss?.toFixed(3)}`); } } });
const stage2 = await trainSFT(parseSFTConfig({
  ...common, name: 'mixed', lr: stage2Lr, warmupSteps: 0, steps: stage2Steps,
  model: { path: stage1.modelDir, backend: 'wasm' },
  data: { source: 'arithmetic', template: 'arithmetic', difficulty, count, seed: 1, workedFraction },
}), { hooks: { onStep: (m) => { if (m.step % 50 === 0) console.log(`mixed ${m.step}: loss ${m.loss?.toFixed(3)}`); } } });
mkdirSync(target, { recursive: true });
for (const f of ['model.safetensors', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
  try { copyFileSync(join(stage2.modelDir, f), join(target, f)); } catch (e) { if (f !== 'generation_config.json') throw e; }
}
const seconds = Math.round((performance.now() - t0) / 1000);
writeFileSync(join(target, 'recipe.json'), `${JSON.stringify({
  made_by: 'node packages/trainer/bench/make-learn-policy.mjs', difficulty,
  stage1: { steps: stage1Steps, lr: 3e-3, data: { count, seed: 0, workedFraction: 1 } },
  stage2: { steps: stage2Steps, lr: stage2Lr, data: { count, seed: 1, workedFraction } },
  batchSize: 64, seconds, machine: cpus()[0]?.model ?? 'unknown',
}, null, 2)}\n`);
const sha = createHash('sha256').update(readFileSync(join(target, 'model.safetensors'))).digest('hex');
console.log(`${target}: stage 1 ${stage1Steps} worked steps, stage 2 ${stage2Steps} mixed steps (workedFraction ${workedFraction}); `
  + `${seconds} s on ${cpus()[0]?.model ?? 'unknown'}; model.safetensors sha256 ${sha}`);

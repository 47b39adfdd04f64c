// Time per phase of RL steps in the embedded demo's configuration (apps/eval-runner
// src/demo/config.ts: 16 prompts × 8 responses, ≤24 new tokens, stride 4, lr 3e-4, one update
// and one no-grad forward of 128 rows per step), on the WASM backend. The starting policy is the bundled tiny-arith model when
// it is present, else the same architecture briefly SFT-ed here (timings depend on the
// architecture and response lengths, not on quality). Prints seconds per phase, each phase's
// share of the step, and the update's cost relative to the no-gradient forward measured in
// the same run (the baseline).
// Usage: pnpm --filter @verl-ts/trainer bench   (BENCH_STEPS=3 by default)
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainRL, trainSFT, parseRLConfig, parseSFTConfig } from '@verl-ts/trainer';

const here = dirname(fileURLToPath(import.meta.url));
const bundled = join(here, '..', '..', '..', 'apps', 'eval-runner', 'assets', 'tiny-arith');
const out = mkdtempSync(join(tmpdir(), 'trainer-bench-'));
const steps = Number(process.env.BENCH_STEPS ?? 3);

let modelDir = bundled;
if (!existsSync(join(bundled, 'model.safetensors'))) {
  console.log('bundled tiny-arith model not found; SFT-ing the same architecture for 60 steps first');
  const sft = await trainSFT(parseSFTConfig({
    name: 'sft', outputDir: out, model: { create: { architecture: 'qwen2', hiddenSize: 128, intermediateSize: 384, numLayers: 3, numHeads: 4, numKvHeads: 2, headDim: 32, maxPositionEmbeddings: 128 }, backend: 'wasm' },
    data: { source: 'arithmetic', template: 'arithmetic', difficulty: 2, count: 5000 }, lr: 3e-3, warmupSteps: 20, schedule: 'constant',
    steps: 60, batchSize: 64, microBatchSize: 64, maxSeqLen: 64, saveEvery: 0,
  }));
  modelDir = sft.modelDir;
}

const t0 = performance.now();
const res = await trainRL(parseRLConfig({
  name: 'bench', outputDir: out, seed: 0, model: { path: modelDir, backend: 'wasm' },
  data: { source: 'arithmetic', template: 'arithmetic', difficulty: 2, count: 4000, seed: 1 },
  rollout: { n: 8, temperature: 1, topP: 1, maxNewTokens: 24, maxPromptTokens: 32 },
  reward: { fn: 'binary' },
  actor: { lr: 3e-4, miniBatchSize: 16, microBatchSize: 128, logProbMicroBatchSize: Number(process.env.BENCH_LOGPROB_MB ?? 128), klCoef: 0.001, entropyCoef: 0.001 },
  algorithm: { verl: { enabled: true } },
  metrics: { stride: 4, maxTokens: 512, samplesPerStep: 0 },
  trainer: { steps, promptsPerStep: 16, saveEvery: 0, keepLast: 1, resume: 'never' },
}));
const wall = (performance.now() - t0) / 1000;
const lines = readFileSync(join(res.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const phases = ['generate', 'grade', 'forward', 'metrics', 'advantage', 'update', 'checkpoint', 'total'];
const avg = Object.fromEntries(phases.map((p) => [p, lines.reduce((a, m) => a + m.time[p], 0) / lines.length]));
console.log(`machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; backend wasm; ${lines.length} steps; wall ${wall.toFixed(1)} s (incl. setup)`);
console.log('phase        s/step   share of step');
for (const p of phases) console.log(`${p.padEnd(12)} ${avg[p].toFixed(3).padStart(7)}   ${(100 * avg[p] / avg.total).toFixed(1).padStart(5)}%`);
const meanLen = lines.reduce((a, m) => a + m.responseLengthMean, 0) / lines.length;
console.log(`responses/step 128, mean response length ${meanLen.toFixed(1)} tokens, generation ${(lines.reduce((a, m) => a + m.generateTokensPerSec, 0) / lines.length).toFixed(0)} tokens/s`);
console.log(`update (forward+backward+AdamW) / no-grad forward (policy + reference): ${(avg.update / avg.forward).toFixed(2)}x`);

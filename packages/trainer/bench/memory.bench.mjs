// Memory per phase of RL steps in the embedded demo's configuration (apps/eval-runner
// src/demo/config.ts: 32 prompts × 8 responses, ≤24 new tokens, micro-batch 256 sequences, one
// update per step) on the WASM backend, from the bundled tiny-arith policy. At every phase
// boundary it prints the live tensors (tf.memory(): count and bytes), the WASM heap (which only
// grows, so it is the high-water mark of live tensors) and the process RSS; at the end, the
// largest live-tensor bytes seen inside each step (tf.profile's peakBytes of the whole step).
// A steady numTensors from step to step means nothing leaks; the heap shows what peaks.
// Usage: pnpm --filter @verl-ts/trainer bench:memory   (MEMORY_STEPS=3 by default)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { trainRL, parseRLConfig } from '@verl-ts/trainer';

const here = dirname(fileURLToPath(import.meta.url));
const modelDir = join(here, '..', '..', '..', 'apps', 'eval-runner', 'assets', 'tiny-arith');
const out = mkdtempSync(join(tmpdir(), 'trainer-memory-'));
const steps = Number(process.env.MEMORY_STEPS ?? 3);
const micro = Number(process.env.MEMORY_MICRO ?? 256);
const MB = 1024 * 1024;

/** bytes of the WASM backend's linear memory (0 on other backends) */
function wasmHeapBytes() {
  const b = tf.backend();
  return b && b.wasm && b.wasm.HEAPU8 ? b.wasm.HEAPU8.buffer.byteLength : 0;
}

function line(label) {
  const m = tf.memory();
  const rss = process.memoryUsage().rss;
  console.log(`${label.padEnd(22)} tensors ${String(m.numTensors).padStart(6)}  live ${(m.numBytes / MB).toFixed(1).padStart(7)} MB  wasm heap ${(wasmHeapBytes() / MB).toFixed(0).padStart(5)} MB  rss ${(rss / MB).toFixed(0).padStart(5)} MB`);
}

let step = 0;
let lastPhase = '';
const t0 = performance.now();
await trainRL(parseRLConfig({
  name: 'memory', outputDir: out, seed: 0, model: { path: modelDir, backend: 'wasm' },
  data: { source: 'arithmetic', template: 'arithmetic', difficulty: 2, count: 4000, seed: 1 },
  rollout: { n: 8, temperature: 1, topP: 1, maxNewTokens: 24, maxPromptTokens: 32 },
  reward: { fn: 'binary' },
  actor: { lr: 3e-4, miniBatchSize: 32, microBatchSize: micro, logProbMicroBatchSize: micro, klCoef: 0.001, entropyCoef: 0.001, warmupSteps: 0 },
  algorithm: { verl: { enabled: true } },
  metrics: { stride: 4, maxTokens: 512, samplesPerStep: 0 },
  trainer: { steps, promptsPerStep: 32, saveEvery: 0, keepLast: 1, resume: 'never' },
}), {
  onStart: () => line('start'),
  onPhase: (name, done, total) => {
    // one line when a phase starts and one when it ends
    if (name !== lastPhase && done === 0) line(`step ${step + 1} ${name} start`);
    if (done === total) line(`step ${step + 1} ${name} end`);
    lastPhase = name;
  },
  onStep: (m) => { step = m.step; line(`step ${m.step} done`); },
});
line('end');
console.log(`${steps} steps, micro-batch ${micro}, wall ${((performance.now() - t0) / 1000).toFixed(1)} s; peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

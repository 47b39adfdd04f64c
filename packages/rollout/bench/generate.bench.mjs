// Generated tokens/s of the local engine for batch sizes 1, 8, 32 on the active backend
// (VERL_BACKEND, default wasm), with a random-init 4-layer d=256 Qwen2-style decoder. Baseline
// measured in the same run: generation without the KV cache (a full forward pass over the whole
// sequence per new token, batch 1, last-position logits only), which is what the cache saves.
// Run: pnpm --filter @verl-ts/rollout bench   (env: BENCH_NEW_TOKENS, BENCH_PROMPT, BENCH_VOCAB)
import * as tf from '@tensorflow/tfjs';
import { execSync } from 'node:child_process';
import { createCausalLM, initBackend } from '@verl-ts/models';
import { createLocalEngine, Rng, sampleToken } from '../dist/index.js';

const NEW = Number(process.env.BENCH_NEW_TOKENS ?? 64);
const PROMPT = Number(process.env.BENCH_PROMPT ?? 32);
const config = {
  architecture: 'qwen2', vocabSize: Number(process.env.BENCH_VOCAB ?? 4096), hiddenSize: 256, intermediateSize: 704,
  numLayers: 4, numHeads: 8, numKvHeads: 4, headDim: 32, rmsNormEps: 1e-6, ropeTheta: 1e6, tieWordEmbeddings: true,
  attentionBias: true, maxPositionEmbeddings: 4096,
};
const sampling = { temperature: 1, topP: 0.95 };

function prompts(count, seed) {
  const r = new Rng(seed);
  return Array.from({ length: count }, (_, i) => Array.from({ length: PROMPT - (i % 4) }, () => r.nextInt(config.vocabSize)));
}

/** Baseline: no KV cache, one sequence, the whole sequence re-run for every new token. */
async function uncached(model, prompt) {
  const rng = new Rng(1);
  const seq = [...prompt];
  const t0 = performance.now();
  for (let i = 0; i < NEW; i++) {
    const row = tf.tidy(() => {
      const { logits, hidden } = model.forward({ inputIds: [seq], attentionMask: [seq.map(() => 1)] }, { logits: 'last' });
      hidden.dispose();
      return logits.reshape([config.vocabSize]);
    });
    const data = await row.data();
    row.dispose();
    seq.push(sampleToken(data, sampling, rng).token);
  }
  return NEW / ((performance.now() - t0) / 1000);
}

async function engineRate(engine, batch) {
  const ps = prompts(batch, batch);
  await engine.generate(ps.slice(0, Math.min(batch, 2)), { maxNewTokens: 4, ...sampling, seed: 0, eosTokenIds: [] }); // warm-up
  const t0 = performance.now();
  const out = await engine.generate(ps, { maxNewTokens: NEW, ...sampling, seed: 1, eosTokenIds: [] });
  const s = (performance.now() - t0) / 1000;
  const tokens = out.reduce((a, r) => a + r.responseIds.length, 0);
  return tokens / s;
}

const backend = await initBackend();
const model = createCausalLM(config, { seed: 1 });
const engine = createLocalEngine(model, undefined, { batchSize: 32 });
const cpu = (() => {
  try {
    return execSync("lscpu | grep 'Model name'", { encoding: 'utf8' }).split(':')[1].trim();
  } catch {
    return 'unknown';
  }
})();
console.log(`backend ${backend}; ${cpu}; node ${process.version}; ${new Date().toISOString().slice(0, 10)}`);
console.log(`model: 4 layers, d=256, vocab ${config.vocabSize}; prompts ~${PROMPT} tokens; ${NEW} new tokens; T=1, top-p 0.95`);
await uncached(model, prompts(1, 0)[0]); // warm-up
const base = await uncached(model, prompts(1, 0)[0]);
console.log(`baseline (no KV cache, batch 1): ${base.toFixed(1)} tokens/s`);
console.log('batch | tokens/s | vs baseline');
for (const b of [1, 8, 32]) {
  const r = await engineRate(engine, b);
  console.log(`${String(b).padStart(5)} | ${r.toFixed(1).padStart(8)} | ${(r / base).toFixed(2)}x`);
}
// variable lengths (RL-like): 32 prompts × n=4, batch 32, ~1 % EOS chance per token
// (40 EOS ids), so rows finish at different times; fixed batches vs refilled batches
const eosIds = Array.from({ length: 40 }, (_, i) => i);
for (const refillBelow of [0, 0.5]) {
  const e = createLocalEngine(model, undefined, { batchSize: 32, refillBelow });
  const t0 = performance.now();
  const out = await e.generate(prompts(32, 5), { n: 4, maxNewTokens: 2 * NEW, ...sampling, seed: 3, eosTokenIds: eosIds });
  const s = (performance.now() - t0) / 1000;
  const tokens = out.reduce((a, r) => a + r.responseIds.length, 0);
  console.log(`variable lengths, refillBelow ${refillBelow}: ${(tokens / s).toFixed(1)} tokens/s (${tokens} tokens, mean length ${(tokens / out.length).toFixed(1)})`);
}
const before = tf.memory().numTensors;
await engine.generate(prompts(4, 9), { maxNewTokens: 8, ...sampling, seed: 2, eosTokenIds: [] });
console.log(`tensors leaked by a generate call: ${tf.memory().numTensors - before}`);
model.dispose();

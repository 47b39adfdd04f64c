// Forward and forward+backward throughput of a 4-layer, d=256 decoder on the active backend
// (VERL_BACKEND, default wasm), against the plain-JS cpu backend measured in the same run, plus the
// matMul transpose-flag comparison behind the W^T layout and the BatchMatMul re-registration. Run: pnpm --filter @verl-ts/models bench
import * as tf from '@tensorflow/tfjs';
import { execSync } from 'node:child_process';
import { createCausalLM, initBackend } from '../dist/index.js';

const B = Number(process.env.BENCH_BATCH ?? 4);
const T = Number(process.env.BENCH_SEQ ?? 128);
const DECODE = Number(process.env.BENCH_DECODE ?? 32);
const config = {
  architecture: 'qwen2', vocabSize: 1024, hiddenSize: 256, intermediateSize: 704, numLayers: 4, numHeads: 8, numKvHeads: 4,
  headDim: 32, rmsNormEps: 1e-6, ropeTheta: 1e6, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 4096,
};

function batch() {
  let s = 1;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const inputIds = Array.from({ length: B }, () => Array.from({ length: T }, () => Math.floor(rnd() * config.vocabSize)));
  // one left-padded row, as in rollouts
  const attentionMask = inputIds.map((r, b) => r.map((_, t) => (b === 1 && t < 8 ? 0 : 1)));
  return { inputIds, attentionMask };
}

function nll(model, x) {
  const { logits, hidden } = model.forward(x);
  hidden.dispose();
  const V = config.vocabSize;
  const lp = tf.logSoftmax(tf.slice(logits, [0, 0, 0], [B, T - 1, V]));
  const tgt = tf.oneHot(tf.tensor2d(x.inputIds.map((r) => r.slice(1)), [B, T - 1], 'int32'), V);
  return tf.neg(tf.mean(tf.sum(tf.mul(lp, tgt), -1)));
}

/** best of `reps` runs in seconds: the machine is shared, and the minimum is the least disturbed run */
async function time(fn, reps, warmup = true) {
  if (warmup) await fn(); // kernel compilation, transposed-weight cache
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

async function measure(backend) {
  await initBackend(backend);
  // the plain-JS cpu baseline is ~20x slower: one timed run each, no warm-up
  const slow = backend === 'cpu';
  const model = createCausalLM(config, { seed: 1 });
  const x = batch();
  const fwd = await time(async () => {
    const o = model.forward(x);
    await o.logits.data();
    tf.dispose([o.logits, o.hidden]);
  }, slow ? 1 : 5, !slow);
  const fwdBwd = await time(async () => {
    const { value, grads } = tf.variableGrads(() => nll(model, x), model.trainableVariables());
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  }, slow ? 1 : 3, !slow);
  const decode = await time(async () => {
    const cache = model.createKVCache(B);
    const prompt = x.inputIds.map((r) => r.slice(0, 16));
    let mask = prompt.map(() => new Array(16).fill(1));
    tf.dispose(Object.values(model.forwardCached({ inputIds: prompt, attentionMask: mask }, cache)));
    for (let i = 0; i < DECODE; i++) {
      mask = mask.map((m) => [...m, 1]);
      const o = model.forwardCached({ inputIds: prompt.map(() => [7]), attentionMask: mask }, cache);
      await o.logits.data();
      tf.dispose([o.logits, o.hidden]);
    }
    cache.dispose();
  }, slow ? 1 : 2, !slow);
  model.dispose();
  return { backend, fwd: (B * T) / fwd, fwdBwd: (B * T) / fwdBwd, decode: (B * DECODE) / decode };
}

async function matMulFlags() {
  const x = tf.randomNormal([512, 256]);
  const w = tf.randomNormal([704, 256]); // HF layout [out, in]
  const flag = await time(async () => tf.matMul(x, w, false, true).data(), 7);
  const wT = tf.transpose(w);
  const pre = await time(async () => tf.matMul(x, wT).data(), 7);
  tf.dispose([x, w, wT]);
  return flag / pre;
}

const active = process.env.VERL_BACKEND ?? 'wasm';
const machine = (() => {
  try {
    return execSync("lscpu | grep 'Model name'", { encoding: 'utf8' }).split(':')[1].trim();
  } catch {
    return 'unknown CPU';
  }
})();
console.log(`models bench: ${config.numLayers} layers, d=${config.hiddenSize}, vocab ${config.vocabSize}, batch ${B} x ${T} tokens; ${machine}; ${new Date().toISOString()}`);
let flagRaw;
if (active === 'wasm') {
  // the stock wasm kernel, before initBackend re-registers BatchMatMul
  await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend('wasm');
  flagRaw = await matMulFlags();
}
const rows = [await measure(active)];
if (active !== 'cpu' && process.env.BENCH_BASELINE !== 'none') rows.push(await measure('cpu'));
console.log('backend     forward tok/s   fwd+bwd tok/s   decode tok/s (KV cache)   [best of 5 / 3 / 2 runs; cpu: 1 run]');
for (const r of rows) console.log(`${r.backend.padEnd(10)} ${r.fwd.toFixed(0).padStart(14)} ${r.fwdBwd.toFixed(0).padStart(15)} ${r.decode.toFixed(0).padStart(14)}`);
if (rows.length > 1) {
  const [a, c] = rows;
  console.log(`ratio ${a.backend}/cpu: forward ${(a.fwd / c.fwd).toFixed(2)}x, fwd+bwd ${(a.fwdBwd / c.fwdBwd).toFixed(2)}x, decode ${(a.decode / c.decode).toFixed(2)}x`);
}
await initBackend(active);
const flagNow = await matMulFlags();
if (flagRaw !== undefined) console.log(`matMul [512,256]x[256,704] on stock wasm: transposeB flag takes ${flagRaw.toFixed(2)}x the time of a pre-transposed operand`);
console.log(`matMul [512,256]x[256,704] on ${active} after initBackend: transposeB flag takes ${flagNow.toFixed(2)}x the time of a pre-transposed operand`);

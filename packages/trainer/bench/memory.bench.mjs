// Memory of one RL step, phase by phase (issue 19): load, generate (KV cache), old-policy
// log-probs (models' scoreTokens, the LM head in chunks), the PPO update's gradients (models'
// valueAndGrads, block by block, with the PPO-clip loss and the entropy bonus (coefficient 0.001,
// the trainer's default) on the log-probs and entropies of the labels, taken as ppo-update.ts
// takes them: from models' chunked head when the logits exceed one chunk (CHUNK_LOGIT_BYTES),
// else from the whole logits), the global gradient norm, and AdamW (fused, the clip inside the update,
// gradients freed as applied). One sequence of PROMPT + NEW = 128 tokens (batch 1 × 128) by
// default. For each phase: the peak of live tensor bytes (tf.profile's peakBytes) and the live bytes
// after it as multiples of the parameter bytes, the WASM heap (it never shrinks: the high-water
// mark), the process RSS and its peak (getrusage maxRSS), and the wall time. After each step, the
// live tensor count: equal from step to step means nothing leaks.
// The phases are composed here from @verl-ts/models and the trainer's AdamW rather than through
// trainRL, so that each gets its own peak; they run the same calls as an RL step.
// Usage: node bench/memory.bench.mjs [MODEL_DIR|bundled] [wasm|cpu]   (env MEMORY_STEPS=1, MEMORY_PROMPT=32, MEMORY_NEW=96, MEMORY_TRAIN=1)
//   MODEL_DIR from packages/models/bench/make-qwen05b.mjs (1, 2 or 24 layers); bundled = the demo's tiny-arith policy.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { CHUNK_LOGIT_BYTES, loadCausalLM, parameterCount, readHFConfig } from '@verl-ts/models';
import { AdamW, globalNormTensor } from '@verl-ts/trainer';

const here = dirname(fileURLToPath(import.meta.url));
const arg = process.argv[2] ?? 'bundled';
const backend = process.argv[3] ?? 'wasm';
const modelDir = arg === 'bundled' ? join(here, '..', '..', '..', 'apps', 'eval-runner', 'assets', 'tiny-arith') : arg;
const STEPS = Number(process.env.MEMORY_STEPS ?? 1);
const PROMPT = Number(process.env.MEMORY_PROMPT ?? 32);
const NEW = Number(process.env.MEMORY_NEW ?? 96);
// MEMORY_TRAIN=0: load, generate and old log-probs only (a model the backend can run but not train)
const TRAIN = process.env.MEMORY_TRAIN !== '0';
const MB = 1024 * 1024;

const wasmHeap = () => {
  const b = tf.backend();
  return b && b.wasm && b.wasm.HEAPU8 ? b.wasm.HEAPU8.buffer.byteLength : 0;
};
let paramBytes = 0;
const x = (bytes) => `${(bytes / paramBytes).toFixed(2)}x`.padStart(7);

// tf.profile samples the live bytes when a kernel runs; tensors made from data (loading) and a
// variable's new value made outside a kernel (the fused AdamW on wasm) are seen here instead: at
// each assign both the old and the new value are alive
let assignPeak = 0;
const assign = tf.Variable.prototype.assign;
tf.Variable.prototype.assign = function (t) {
  assignPeak = Math.max(assignPeak, tf.memory().numBytes);
  return assign.call(this, t);
};

/** the live bytes now, into the current phase's peak (for phases run without tf.profile) */
const sample = () => {
  assignPeak = Math.max(assignPeak, tf.memory().numBytes);
};

/**
 * Runs one phase and prints its line: under tf.profile, or with `sampled` from the samples the
 * phase takes (generation: tf.profile keeps a record per kernel, and over the ~300k kernels of 96
 * tokens at 24 layers the run ended in an unhandled rejection with no reason on wasm; the same
 * loop without tf.profile runs)
 */
async function phase(label, f, { sampled = false } = {}) {
  const t0 = performance.now();
  let result;
  const before = tf.memory().numBytes;
  assignPeak = 0;
  const prof = sampled
    ? await f().then((r) => { result = r; return { peakBytes: -Infinity }; })
    : await tf.profile(async () => {
        result = await f();
      });
  const s = (performance.now() - t0) / 1000;
  const live = tf.memory().numBytes;
  prof.peakBytes = Math.max(prof.peakBytes, assignPeak, before, live);
  console.log(
    `${label.padEnd(16)} peak ${x(prof.peakBytes)} (${(prof.peakBytes / MB).toFixed(0).padStart(6)} MiB)  after ${x(live)}  ` +
      `wasm heap ${(wasmHeap() / MB).toFixed(0).padStart(5)} MiB  rss ${(process.memoryUsage().rss / MB).toFixed(0).padStart(6)} MiB  ` +
      `max rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0).padStart(6)} MiB  ${s.toFixed(1).padStart(7)} s`,
  );
  return result;
}

/** xorshift32: the same prompt and samples on every run */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

const t00 = performance.now();
paramBytes = parameterCount((await readHFConfig(modelDir)).config) * 4;
const cfg = (await readHFConfig(modelDir)).config;
console.log(`memory bench: ${arg} on ${backend}: ${cfg.numLayers} layers, ${(paramBytes / 4 / 1e6).toFixed(1)}M parameters (${(paramBytes / MB).toFixed(0)} MiB float32), one sequence of ${PROMPT} + ${NEW} tokens, ${new Date().toISOString()}`);
const model = await phase('load', () => loadCausalLM(modelDir, { backend }));
const V = model.config.vocabSize;
const optimizer = TRAIN ? await phase('adamw init', () => new AdamW(model.trainableVariables(), { weightDecay: 0.01 })) : null;
const rand = rng(7);

for (let step = 1; step <= STEPS; step++) {
  const prompt = Array.from({ length: PROMPT }, () => Math.floor(rand() * Math.min(V, 150000)));
  // 1. generate NEW tokens with the KV cache, sampling at temperature 1 (EOS ignored)
  const ids = await phase(`${step} generate`, async () => {
    const seq = prompt.slice();
    const cache = model.createKVCache(1);
    let input = prompt;
    try {
      for (let t = 0; t < NEW; t++) {
        const out = model.forwardCached({ inputIds: [input], attentionMask: [new Array(seq.length).fill(1)] }, cache, { logits: 'last' });
        const probs = tf.tidy(() => tf.softmax(tf.reshape(out.logits, [V])));
        sample();
        const p = await probs.data();
        tf.dispose([out.logits, out.hidden, probs]);
        let u = rand();
        let next = V - 1;
        for (let i = 0; i < V; i++) if ((u -= p[i]) <= 0) { next = i; break; }
        seq.push(next);
        input = [next];
      }
    } finally {
      cache.dispose();
    }
    return seq;
  }, { sampled: true });
  const batch = { inputIds: [ids], attentionMask: [ids.map(() => 1)] };
  const T = ids.length;
  const labels = [ids.slice(1)];
  // 2. old-policy log-probs of the response tokens (no gradient; the LM head in chunks)
  const old = await phase(`${step} old log-probs`, async () => {
    const s = model.scoreTokens(batch, labels, { entropy: true });
    const lp = await s.logProbs.data();
    tf.dispose([s.logProbs, s.entropy]);
    return lp;
  });
  if (!optimizer) continue;
  // 3. PPO-clip loss (ε = 0.2, advantage 1 on every response token) minus 0.001 × the entropy, and its gradients
  const chunked = T * V * 4 > CHUNK_LOGIT_BYTES; // ppo-update.ts's rule for one micro-batch of one row
  if (step === 1) console.log(`gradients: log-probs and entropies from ${chunked ? "models' chunked head (valueAndGrads with labels)" : 'the whole logits'}`);
  const grads = await phase(`${step} gradients`, () => {
    const mask = tf.tensor2d(ids.slice(1).map((_, t) => (t + 1 >= PROMPT ? 1 : 0)), [1, T - 1]);
    const oldLp = tf.tensor2d(old, [1, T - 1]);
    const lab = tf.tensor2d(labels.flat(), [1, T - 1], 'int32');
    const masked = (x) => tf.div(tf.sum(tf.mul(x, mask)), tf.sum(mask));
    const ppo = (lp, ent) => {
      const ratio = tf.exp(tf.sub(lp, oldLp));
      const surrogate = tf.minimum(ratio, tf.clipByValue(ratio, 0.8, 1.2));
      return tf.sub(tf.neg(masked(surrogate)), tf.mul(masked(ent), 0.001));
    };
    try {
      const { value, grads } = chunked
        ? model.valueAndGrads(batch, ({ logProbs, entropy }) => ppo(logProbs, entropy), { labels, entropy: true })
        : model.valueAndGrads(batch, ({ logits }) => {
          // verl's logprobs_from_logits / entropy_from_logits, as the trainer's losses.ts
          const shifted = tf.slice(logits, [0, 0, 0], [1, T - 1, V]);
          const lp = tf.sum(tf.mul(tf.logSoftmax(shifted, -1), tf.oneHot(lab, V)), -1);
          const ent = tf.sub(tf.logSumExp(shifted, -1), tf.sum(tf.mul(tf.softmax(shifted, -1), shifted), -1));
          return ppo(lp, ent);
        });
      value.dispose();
      return model.trainableVariables().map((v) => grads[v.name] ?? tf.zerosLike(v));
    } finally {
      tf.dispose([mask, oldLp, lab]);
    }
  });
  // 4. global gradient norm, then 5. AdamW with the clip coefficient (max norm 1) inside the update
  const norm = await phase(`${step} grad norm`, async () => {
    const n = globalNormTensor(grads);
    const v = (await n.data())[0];
    n.dispose();
    return v;
  });
  await phase(`${step} adamw`, () => optimizer.apply(grads, 1e-6, { gradScale: Math.min(1, 1 / (norm + 1e-6)), disposeGrads: true }));
  console.log(`step ${step}: ${tf.memory().numTensors} live tensors, ${(tf.memory().numBytes / MB).toFixed(0)} MiB (${x(tf.memory().numBytes)})`);
}
optimizer?.dispose();
model.dispose();
const peakRss = process.resourceUsage().maxRSS / 1024;
console.log(`end: ${tf.memory().numTensors} live tensors; wall ${((performance.now() - t00) / 1000).toFixed(1)} s; peak rss ${peakRss.toFixed(0)} MiB (${(peakRss * MB / paramBytes).toFixed(2)}x parameter bytes)`);

// GPU benchmark of verl-ts itself (issue 9): the project's training step (models' forward,
// trainer's loss, tf.variableGrads, global-norm clip, trainer's AdamW) and the rollout engine's
// generation, for the model sizes in shapes.json, on a TensorFlow.js backend (webgpu by default).
// Prints, per size: step time, per-phase times, dispatches and readbacks per step, a kernel
// profile (tf.profile, GPU timestamps where the adapter has 'timestamp-query'), generation
// tokens/s; plus matMul TFLOP/s for the model's shapes. Writes everything to --out as JSON for
// report.mjs, which sets it beside torch_bench.py's numbers.
//
//   node tools/gpu-bench/bench.mjs [--quick] [--sizes 15m,119m] [--backend webgpu] [--out FILE]
//                                  [--no-profile] [--no-generate] [--no-matmul]
// --quick: the tiny shapes of shapes.json (a software adapter finishes in well under a minute).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { clipOnDevice, median, mulberry32, randomIds, round, summarizeProfile } from './bench-util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    backend: { type: 'string', default: 'webgpu' },
    out: { type: 'string', default: 'results-ours.json' },
    'no-profile': { type: 'boolean', default: false },
    'no-generate': { type: 'boolean', default: false },
    'no-matmul': { type: 'boolean', default: false },
    // tfjs environment flags to try, e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64,WEBGPU_CPU_FORWARD=false
    'tf-flags': { type: 'string', default: '' },
  },
});

// The packages' built dist/ (relative to the repo or bundle root), and the very tfjs instance
// they use (resolved from the models package, so kernels and variables live in one engine).
const dist = (pkg, file = 'index.js') => pathToFileURL(join(root, 'packages', pkg, 'dist', file)).href;
const models = await import(dist('models'));
const { createLocalEngine } = await import(dist('rollout'));
const { AdamW } = await import(dist('trainer', 'adamw.js'));
const { logProbsFromLogits } = await import(dist('trainer', 'losses.js'));
const { clipByGlobalNormAsync } = await import(dist('trainer', 'gradients.js'));
const tfUrl = pathToFileURL(createRequire(join(root, 'packages', 'models', 'package.json')).resolve('@tensorflow/tfjs')).href;
const tfModule = await import(tfUrl);
const tf = tfModule.default ?? tfModule;

const spec = JSON.parse(readFileSync(join(here, 'shapes.json'), 'utf8'));
const sizesSpec = args.quick ? spec.quickSizes : spec.sizes;
const iters = args.quick ? spec.quickIterations : spec.iterations;
const genSpec = args.quick ? spec.quickGeneration : spec.generation;
const mmSpec = args.quick ? spec.quickMatmul : spec.matmul;
const sizeNames = args.sizes ? args.sizes.split(',') : Object.keys(sizesSpec);
for (const s of sizeNames) if (!sizesSpec[s]) throw new RangeError(`unknown size '${s}'; shapes.json has ${Object.keys(sizesSpec).join(', ')}`);
const opt = spec.optimizer;

const t0All = performance.now();
const backendName = await models.initBackend(args.backend);
const tfFlags = {};
for (const kv of args['tf-flags'].split(',').map((x) => x.trim()).filter(Boolean)) {
  const [k, v] = kv.split('=');
  if (v === undefined) throw new RangeError(`--tf-flags: '${kv}' is not NAME=VALUE`);
  tfFlags[k] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
  tf.env().set(k, tfFlags[k]);
}
const backend = tf.backend();
const isWebGpu = backendName === 'webgpu';
const results = {
  tool: 'verl-ts tools/gpu-bench/bench.mjs', date: new Date().toISOString(), node: process.version,
  tfjs: tf.version?.tfjs ?? tf.version_core, backend: backendName, quick: args.quick,
  adapter: isWebGpu ? await adapterDescription() : null,
  timestampQuery: isWebGpu ? Boolean(backend.supportTimestampQuery) : null,
  tfFlags,
  env: { VERL_WEBGPU_FLAGS: process.env.VERL_WEBGPU_FLAGS ?? null, VERL_WEBGPU_COMPAT: process.env.VERL_WEBGPU_COMPAT ?? null,
    WEBGPU_CPU_FORWARD: safeFlag('WEBGPU_CPU_FORWARD'), WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: safeFlag('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') },
  notes: [], sizes: {}, matmul: [],
};
log(`backend ${backendName}; adapter ${JSON.stringify(results.adapter)}; timestamp-query ${results.timestampQuery}; tfjs ${results.tfjs}; node ${process.version}`);

function log(s) { console.log(s); }
function safeFlag(name) { try { return tf.env().get(name); } catch { return null; } }
async function adapterDescription() {
  // tfjs keeps only vendor/architecture; ask the same navigator.gpu for the full adapter info
  let info = {};
  try {
    const a = await globalThis.navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    const i = a?.info ?? {};
    info = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description };
  } catch { info = { ...backend.adapterInfo }; }
  const dev = backend.device;
  return { ...info, features: dev?.features ? [...dev.features].sort() : [],
    maxBufferSize: dev?.limits?.maxBufferSize ?? null, maxStorageBufferBindingSize: dev?.limits?.maxStorageBufferBindingSize ?? null };
}

/** Waits until every GPU command issued so far has finished (flush tfjs's encoder, then the queue). */
async function sync(t) {
  if (isWebGpu) {
    // as tfjs's own getBufferData does before a readback: close the open pass, submit the encoder
    if (backend.commandEncoder) { backend.endComputePassEncoder(); backend.submitQueue(); }
    await backend.device.queue.onSubmittedWorkDone();
  }
  if (t) await t.data(); // a readback also orders after all submitted work
}

// Counts of GPU programs dispatched and of GPU->CPU reads, by wrapping the backend's entry points.
const counters = { dispatches: 0, reads: 0, readSyncs: 0 };
if (isWebGpu) {
  const run = backend.runWebGPUProgram.bind(backend);
  backend.runWebGPUProgram = (...a) => { counters.dispatches++; return run(...a); };
  const read = backend.read.bind(backend);
  backend.read = (...a) => { counters.reads++; return read(...a); };
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (...a) => { counters.readSyncs++; return readSync(...a); };
}
const snapshot = () => ({ ...counters });
const delta = (a) => Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, v - a[k]]));

/**
 * Whether the trainer's clip (clipByGlobalNormAsync: one `await data()` of the norm, sums in
 * addN chunks of <= 7 inputs) runs on this backend, tried on 12 GPU-resident tensors after a sync
 * so that a failed command buffer holds nothing else. Returns null when it works, else the error
 * (then the step falls back to clipOnDevice, the same formula without a readback).
 */
async function probeTrainerClip() {
  await sync();
  const gs = Array.from({ length: 12 }, (_, i) => tf.fill([64, 64], (i + 1) / 1000));
  try {
    const { grads, norm } = await clipByGlobalNormAsync(gs, 1e-3);
    const want = Math.sqrt(gs.reduce((a, _, i) => a + 4096 * ((i + 1) / 1000) ** 2, 0));
    tf.dispose(grads);
    if (!(Math.abs(norm - want) <= 1e-3 * want)) return `norm ${norm}, expected ${want}`;
    return null;
  } catch (e) {
    return String(e.message ?? e);
  } finally {
    tf.dispose(gs);
    try { await sync(); } catch { /* a failed command buffer is dropped by the device */ }
  }
}
const trainerClipError = isWebGpu ? await probeTrainerClip() : null;
if (trainerClipError) {
  results.notes.push(`trainer clipByGlobalNormAsync does not run on ${backendName}: ${trainerClipError}; the step uses a readback-free clip with the same formula (clipOnDevice)`);
  log(`note: trainer clipByGlobalNormAsync fails on ${backendName} (${trainerClipError}); the step clips on the device with the same formula`);
}
// the trainer's clip reads the norm back (its skip-on-non-finite rule needs it), one readback per step
const clip = trainerClipError ? async (g) => clipOnDevice(tf, g, opt.gradClip) : async (g) => (await clipByGlobalNormAsync(g, opt.gradClip)).grads;
results.clip = trainerClipError ? 'on-device (clipOnDevice)' : 'trainer clipByGlobalNorm';

async function benchSize(name, s) {
  const cfg = { ...spec.common, ...s.model };
  const { batch: B, seq: T } = s;
  const model = models.createCausalLM(cfg, { seed: 1 });
  const vars = model.trainableVariables();
  const params = vars.reduce((a, v) => a + v.size, 0);
  // in results from the start and saved after each part, so a run cut short keeps what it measured
  const out = Object.assign(results.sizes[name], { params, batch: B, seq: T, model: cfg });
  log(`\n== ${name}: ${(params / 1e6).toFixed(2)}M params, d=${cfg.hiddenSize}, L=${cfg.numLayers}, H=${cfg.numHeads}, FFN=${cfg.intermediateSize}, V=${cfg.vocabSize}; B=${B}, T=${T}`);

  const rand = mulberry32(7);
  const inputIds = randomIds(rand, B, T, cfg.vocabSize);
  const attentionMask = inputIds.map((r) => r.map(() => 1));
  const labels = tf.tensor2d(randomIds(rand, B, T, cfg.vocabSize).flat(), [B, T], 'int32');
  // the trainer's SFT loss: token-mean NLL from logProbsFromLogits (log_softmax · one-hot)
  const loss = () => {
    const { logits } = model.forward({ inputIds, attentionMask });
    return tf.neg(tf.mean(logProbsFromLogits(logits, labels)));
  };
  const adamw = new AdamW(vars, { beta1: opt.beta1, beta2: opt.beta2, eps: opt.eps, weightDecay: opt.weightDecay });

  const step = async (onMark) => {
    const { value, grads } = tf.variableGrads(() => { const l = loss(); onMark?.('forward'); return l; }, vars);
    onMark?.('backward');
    const list = vars.map((v) => grads[v.name]);
    const clipped = await clip(list);
    tf.dispose(list);
    adamw.apply(clipped, opt.lr);
    tf.dispose(clipped);
    onMark?.('optimizer');
    return value;
  };

  // warm-up (shader compilation, buffer pools)
  const tw = performance.now();
  let firstLoss;
  for (let i = 0; i < iters.warmup; i++) {
    const v = await step();
    const l = (await v.data())[0];
    if (i === 0) firstLoss = l;
    v.dispose();
  }
  await sync();
  out.warmupMs = round(performance.now() - tw, 1);
  out.firstLoss = round(firstLoss, 4);
  log(`warm-up ${iters.warmup} steps: ${out.warmupMs} ms (first loss ${out.firstLoss}, ln V = ${Math.log(cfg.vocabSize).toFixed(4)})`);

  // full steps: no sync inside the step other than the project's own; one sync at the end
  const tensorsBefore = tf.memory().numTensors;
  const stepMs = [], encodeMs = { forward: [], backward: [], optimizer: [] };
  let perStep = null;
  for (let i = 0; i < iters.timed; i++) {
    const c0 = snapshot();
    const t = performance.now();
    let last = t;
    const v = await step((m) => { const now = performance.now(); encodeMs[m].push(now - last); last = now; });
    const l = (await v.data())[0];
    await sync();
    stepMs.push(performance.now() - t);
    v.dispose();
    if (!Number.isFinite(l)) throw new Error(`${name}: non-finite loss ${l} at timed step ${i}`);
    perStep = delta(c0);
  }
  out.tensorsLeakedPerStep = (tf.memory().numTensors - tensorsBefore) / iters.timed;
  if (out.tensorsLeakedPerStep !== 0) results.notes.push(`${name}: ${out.tensorsLeakedPerStep} tensors leaked per training step`);
  out.stepMs = { median: round(median(stepMs)), min: round(Math.min(...stepMs)), all: stepMs.map((x) => round(x)) };
  out.tokensPerSec = round((B * T) / (median(stepMs) / 1000), 0);
  out.perStep = perStep; // dispatches (GPU programs), reads (async readbacks), readSyncs
  save();
  out.cpuEncodeMs = Object.fromEntries(Object.entries(encodeMs).map(([k, xs]) => [k, round(median(xs))]));
  log(`step (forward+backward+clip+AdamW): median ${out.stepMs.median} ms, min ${out.stepMs.min} ms (${out.tokensPerSec} tokens/s); ` +
    `${perStep.dispatches} GPU dispatches, ${perStep.reads + perStep.readSyncs} readbacks per step; ` +
    `CPU time to issue: forward ${out.cpuEncodeMs.forward} ms, backward ${out.cpuEncodeMs.backward} ms, optimizer ${out.cpuEncodeMs.optimizer} ms`);

  // phases, each synced: forward (no tape), forward+backward (tape), clip+AdamW
  const ph = { forward: [], forwardBackward: [], optimizer: [] };
  for (let i = 0; i < iters.phase; i++) {
    await sync();
    let t = performance.now();
    const lf = tf.tidy(() => loss());
    await sync(lf);
    ph.forward.push(performance.now() - t);
    lf.dispose();
    t = performance.now();
    const { value, grads } = tf.variableGrads(loss, vars);
    const list = vars.map((v) => grads[v.name]);
    await sync(value);
    ph.forwardBackward.push(performance.now() - t);
    t = performance.now();
    const clipped = await clip(list);
    tf.dispose(list);
    adamw.apply(clipped, opt.lr);
    tf.dispose([clipped, value]);
    await sync();
    ph.optimizer.push(performance.now() - t);
  }
  const fwd = median(ph.forward), fb = median(ph.forwardBackward), o = median(ph.optimizer);
  out.phasesMs = { forward: round(fwd), backward: round(fb - fwd), forwardBackward: round(fb), optimizer: round(o) };
  save();
  log(`phases (synced): forward ${out.phasesMs.forward} ms (no tape), backward ~${out.phasesMs.backward} ms (forward+backward ${round(fb)} minus forward), clip+AdamW ${out.phasesMs.optimizer} ms`);

  if (!args['no-profile']) { out.profile = await profileStep(step); save(); }

  if (!args['no-generate']) {
    out.generation = {};
    const engineRand = mulberry32(11);
    for (const gb of genSpec.batches) {
      const engine = createLocalEngine(model, undefined, { batchSize: gb });
      const prompts = randomIds(engineRand, gb, genSpec.promptTokens, cfg.vocabSize);
      const gopts = { temperature: 1, topP: 1, eosTokenIds: [] };
      await engine.generate(prompts, { ...gopts, maxNewTokens: 4, seed: 0 }); // warm-up: prefill + decode shaders
      const c0 = snapshot();
      const t = performance.now();
      const res = await engine.generate(prompts, { ...gopts, maxNewTokens: genSpec.newTokens, seed: 1 });
      const secs = (performance.now() - t) / 1000;
      const tokens = res.reduce((a, r) => a + r.responseIds.length, 0);
      const d = delta(c0);
      out.generation[gb] = { tokensPerSec: round(tokens / secs, 1), tokens, seconds: round(secs, 3), promptTokens: genSpec.promptTokens,
        dispatchesPerToken: round(d.dispatches / genSpec.newTokens, 1) };
      log(`generation batch ${gb}: ${out.generation[gb].tokensPerSec} tokens/s (${tokens} tokens in ${out.generation[gb].seconds} s, prompt ${genSpec.promptTokens}, ` +
        `${out.generation[gb].dispatchesPerToken} dispatches per decode step)`);
      save();
    }
  }
  adamw.dispose();
  labels.dispose();
  model.dispose();
  return out;
}

/**
 * One full step under tf.profile: kernels by total time (GPU timestamps with 'timestamp-query',
 * otherwise counts only), split into forward / backward / optimizer at the step's marks.
 */
async function profileStep(step) {
  const bounds = {};
  const kernelsSoFar = () => tf.engine().state.activeProfile?.kernels?.length ?? 0;
  const t = performance.now();
  const prof = await tf.profile(async () => {
    const v = await step((m) => { bounds[m] = kernelsSoFar(); });
    await v.data();
    v.dispose();
  });
  const wallMs = performance.now() - t;
  const res = { ...summarizeProfile(prof.kernels, bounds), wallMsProfiled: round(wallMs, 1), peakBytes: prof.peakBytes };
  const ks = prof.kernels, zero = res.kernelsWithoutGpuTime;
  log(`profile: ${ks.length} kernels, GPU time ${res.kernelMsTotal} ms (forward ${res.gpuMsByPhase.forward}, backward ${res.gpuMsByPhase.backward}, optimizer ${res.gpuMsByPhase.optimizer}); ` +
    `${zero} kernels without GPU time (CPU-forwarded, reshapes, or no timestamp-query)`);
  log('  kernel                         count   GPU ms   share');
  for (const k of res.topByName) log(`  ${k.name.padEnd(30)} ${String(k.count).padStart(5)} ${String(k.ms).padStart(8)}   ${k.share == null ? '-' : (100 * k.share).toFixed(1) + '%'}`);
  log('  top kernels by input shapes:');
  for (const k of res.topByNameAndShape.slice(0, 8)) log(`  ${String(k.ms).padStart(8)} ms  x${k.count}  ${k.kernel}`);
  return res;
}

/** matMul TFLOP/s for the model's shapes: plain, transposeB (forward x·W^T), transposeA (dW = dy^T·x). */
async function benchMatmul() {
  for (const [M, K, N] of mmSpec) {
    const row = { M, K, N };
    const variants = {
      plain: () => [tf.randomNormal([M, K]), tf.randomNormal([K, N]), false, false],
      transposeB: () => [tf.randomNormal([M, K]), tf.randomNormal([N, K]), false, true],
      transposeA: () => [tf.randomNormal([M, N]), tf.randomNormal([M, K]), true, false],
    };
    for (const [vn, make] of Object.entries(variants)) {
      const [a, b, ta, tb] = make();
      const flops = vn === 'transposeA' ? 2 * M * N * K : 2 * M * K * N;
      for (let i = 0; i < 2; i++) tf.matMul(a, b, ta, tb).dispose();
      await sync();
      const reps = args.quick ? 2 : 10;
      const t = performance.now();
      for (let i = 0; i < reps; i++) tf.matMul(a, b, ta, tb).dispose();
      await sync();
      const ms = (performance.now() - t) / reps;
      row[vn] = { ms: round(ms, 4), tflops: Number((flops / (ms / 1000) / 1e12).toPrecision(3)) };
      tf.dispose([a, b]);
    }
    results.matmul.push(row);
    log(`matMul [${M}x${K}]·[${K}x${N}]: plain ${row.plain.tflops} TFLOP/s, transposeB ${row.transposeB.tflops}, transposeA ${row.transposeA.tflops}`);
  }
}

function save() { writeFileSync(args.out, JSON.stringify(results, null, 1)); }
try {
  if (!args['no-matmul']) await benchMatmul();
  for (const n of sizeNames) {
    try {
      results.sizes[n] = {};
      await benchSize(n, sizesSpec[n]);
    } catch (e) {
      results.sizes[n].error = String(e.stack ?? e);
      log(`${n} failed: ${e.stack ?? e}`);
    }
    save();
  }
} finally {
  results.totalSeconds = round((performance.now() - t0All) / 1000, 1);
  save();
  log(`\nwrote ${args.out} (${results.totalSeconds} s in all)`);
}

// Generation tokens/s on a Qwen2.5-0.5B-shaped model (bench/make-qwen05b.mjs), batch 1 and 8:
// this package's llama.cpp engine (f32 and f16 GGUF exports) against @verl-ts/rollout's local
// engine on the TensorFlow.js CPU backend, same machine, same run. Random prompts of PROMPT
// tokens, NEW new tokens per response, T = 1 and top-p 0.95 (the RL setting) through llama.cpp's
// sampler chain (processed log-probs, as verl eval asks) and through the exact route (raw
// log-probs: the full distribution copied per token), and greedy; EOS ignored so every response
// has NEW tokens; tokens/s = generated tokens / wall time of the generate call (prefill included).
// On shared cores the wall rate mostly measures the CPU share a process got, so each row also gives
// generated tokens per CPU-second of this process (all its threads: process.cpuUsage).
// Run: node bench/generate.bench.mjs MODEL_DIR   (env BENCH_PROMPT=16 BENCH_NEW=16 BENCH_NEW_LLAMA=64 BENCH_DTYPES=f32,f16)
//   BENCH_DTYPES: exports to time (f32, f16, q8_0), each written to a temporary file and removed;
//   BENCH_GGUFS=a.gguf,b.gguf: time these exports of MODEL_DIR instead (kept; bench/acceptance.sh);
//   BENCH_THREADS=N: llama.cpp's CPU threads (default: defaultThreads, the cores the load leaves).
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { initBackend, loadCausalLM } from '@verl-ts/models';
import { createLocalEngine, Rng } from '@verl-ts/rollout';
import { createLlamaCppEngine, exportGguf } from '../dist/index.js';
import { defaultThreads } from '../dist/engine/llamacpp-engine.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/generate.bench.mjs MODEL_DIR');
  process.exit(2);
}
const PROMPT = Number(process.env.BENCH_PROMPT ?? 16);
const NEW = Number(process.env.BENCH_NEW ?? 16);
const NEW_LLAMA = Number(process.env.BENCH_NEW_LLAMA ?? 64);
const sampled = { temperature: 1, topP: 0.95 };
const chain = { ...sampled, logprobsMode: 'processed' };
const prompts = (count, seed) => {
  const r = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: PROMPT }, () => r.nextInt(150000)));
};

/** [tokens per wall second, tokens per CPU-second of this process] */
async function rate(engine, batch, maxNewTokens, sampling) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await engine.generate(prompts(batch, batch), { maxNewTokens, ...sampling, seed: 1, eosTokenIds: [] });
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const tokens = out.reduce((a, r) => a + r.responseIds.length, 0);
  return [tokens / s, tokens / ((c.user + c.system) / 1e6)];
}

const sh = (cmd) => {
  try {
    return execSync(cmd, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};
console.log(`${sh("lscpu | grep 'Model name' | cut -d: -f2")}; ${availableParallelism()} cores; load average ${sh('cut -d" " -f1-3 /proc/loadavg')}; node ${process.version}; ${new Date().toISOString().slice(0, 16)}`);
console.log(`prompts of ${PROMPT} tokens; tokens/s = generated tokens / wall time of generate (prefill included)`);
const rows = [];
const tmp = mkdtempSync(join(tmpdir(), 'bench-gguf-'));
try {
  const given = process.env.BENCH_GGUFS ? process.env.BENCH_GGUFS.split(',') : undefined;
  for (const job of given ?? (process.env.BENCH_DTYPES ?? 'f32,f16').split(',')) {
    let file;
    let bytes;
    let dtype;
    if (given) {
      [file, bytes, dtype] = [job, statSync(job).size, basename(job, '.gguf').replace(/^model-/, '')];
      console.log(`${file}: ${(bytes / 2 ** 30).toFixed(2)} GiB`);
    } else {
      const t0 = performance.now();
      dtype = job;
      ({ file, bytes } = await exportGguf({ modelDir: dir, out: join(tmp, `model-${dtype}.gguf`), dtype }));
      console.log(`export ${dtype}: ${(bytes / 2 ** 30).toFixed(2)} GiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const threads = process.env.BENCH_THREADS ? Number(process.env.BENCH_THREADS) : defaultThreads(bytes);
    const engine = await createLlamaCppEngine({ modelPath: file, parallel: 8, threads });
    await rate(engine, 1, 2, sampled); // warm-up: page the weights in
    for (const batch of [1, 8]) {
      rows.push([`llama.cpp ${dtype} (${engine.device}, ${threads} thread(s)), T=1 top-p 0.95, llama.cpp sampler`, batch, NEW, ...(await rate(engine, batch, NEW, chain))]);
      rows.push([`llama.cpp ${dtype}, T=1 top-p 0.95, llama.cpp sampler`, batch, NEW_LLAMA, ...(await rate(engine, batch, NEW_LLAMA, chain))]);
      rows.push([`llama.cpp ${dtype}, T=1 top-p 0.95, exact route (raw log-probs)`, batch, NEW, ...(await rate(engine, batch, NEW, sampled))]);
      rows.push([`llama.cpp ${dtype}, greedy`, batch, NEW_LLAMA, ...(await rate(engine, batch, NEW_LLAMA, { temperature: 0 }))]);
      console.log(rows.slice(-4).map((r) => `${r[0]} | batch ${r[1]} | ${r[2]} new | ${r[3].toFixed(2)} tokens/s | ${r[4].toFixed(2)} per CPU-s | load ${sh('cut -d" " -f1 /proc/loadavg')}`).join('\n'));
    }
    await engine.close();
    if (!given) rmSync(file);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
await initBackend('cpu');
const t0 = performance.now();
const model = await loadCausalLM(dir);
console.log(`TensorFlow.js cpu: loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const local = createLocalEngine(model, undefined, { batchSize: 8 });
for (const batch of [1, 8]) {
  rows.push(['TensorFlow.js cpu backend (local engine), T=1 top-p 0.95', batch, NEW, ...(await rate(local, batch, NEW, sampled))]);
  console.log(rows.slice(-1).map((r) => `${r[0]} | batch ${r[1]} | ${r[2]} new | ${r[3].toFixed(2)} tokens/s | ${r[4].toFixed(2)} per CPU-s | load ${sh('cut -d" " -f1 /proc/loadavg')}`).join('\n'));
}
model.dispose();
console.log('\n| engine | batch | new tokens | tokens/s | vs TensorFlow.js cpu | tokens per CPU-s | vs TensorFlow.js cpu |\n|---|---|---|---|---|---|---|');
const tfjs = (b, k) => rows.find((r) => r[0].startsWith('TensorFlow.js') && r[1] === b)[k];
for (const [name, b, n, r, c] of rows) console.log(`| ${name} | ${b} | ${n} | ${r.toFixed(2)} | ${(r / tfjs(b, 3)).toFixed(1)}× | ${c.toFixed(2)} | ${(c / tfjs(b, 4)).toFixed(1)}× |`);

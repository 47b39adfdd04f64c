// Benchmark: batchRankMetrics over a padded batch of 192 responses (T = 512, D = 896, the
// width of Qwen2.5-0.5B), on 1 thread and on N threads (default 2) in the same run,
// alternating, and a check that the results are bit-identical.
// Usage: pnpm --filter @verl-ts/rank-metrics bench:workers   (builds first)
//   env: REPS (timed runs per setting, default 3), WORKERS (default 2), BATCH (default 192)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { batchRankMetrics, rankMetricsPool } from '../dist/index.js';
import { hiddenLike } from './hidden-like.mjs';

const reps = Number(process.env.REPS ?? 3);
const workers = Number(process.env.WORKERS ?? 2);
const B = Number(process.env.BATCH ?? 192);
const T = 512;
const D = 896;
const DISTINCT = 24; // distinct responses, tiled over the batch (making 192 takes long otherwise)


const hidden = new Float32Array(B * T * D);
const distinct = Array.from({ length: DISTINCT }, (_, i) => hiddenLike(T, D, 7000 + i));
for (let b = 0; b < B; b++) hidden.set(distinct[b % DISTINCT], b * T * D);
const mask = new Uint8Array(B * T).fill(1);
const dims = { batch: B, time: T, dim: D };

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * CPU ms of every thread of this process (Linux: /proc/self/task/<tid>/stat, utime + stime in
 * clock ticks of 10 ms), or null elsewhere. The busiest thread of a run is its critical path:
 * what the wall time would be if every thread had a core of its own.
 */
function threadCpuMs() {
  if (!existsSync('/proc/self/task')) return null;
  const out = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const f = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(rest[11]) + Number(rest[12])) * 10);
    } catch {
      /* the thread ended */
    }
  }
  return out;
}
function busiestThreadMs(before, after) {
  if (!before || !after) return NaN;
  let max = 0;
  for (const [tid, ms] of after) max = Math.max(max, ms - (before.get(tid) ?? 0));
  return max;
}

function run(w) {
  const t0 = performance.now();
  const c0 = cpuMs();
  const th0 = threadCpuMs();
  const out = batchRankMetrics(hidden, dims, mask, { stride: 40, maxTokens: 512, workers: w });
  return { ms: performance.now() - t0, cpu: cpuMs() - c0, critical: busiestThreadMs(th0, threadCpuMs()), out };
}

function sameBits(a, b) {
  return a.length === b.length && a.every((r, i) => Object.is(r.er, b[i].er) && Object.is(r.erv, b[i].erv) && Object.is(r.era, b[i].era));
}

console.log(`${cpus()[0]?.model ?? 'cpu'} x ${cpus().length}, node ${process.version}, B=${B} T=${T} D=${D}, load average at start ${load()}`);
// warm-up: JIT of the calling thread, start-up and JIT of the workers
const W = Math.min(8, B);
const small = { batch: W, time: T, dim: D };
batchRankMetrics(hidden.subarray(0, W * T * D), small, mask.subarray(0, W * T), { workers: 1 });
batchRankMetrics(hidden.subarray(0, W * T * D), small, mask.subarray(0, W * T), { workers });

const one = [];
const many = [];
let identical = true;
for (let r = 0; r < reps; r++) {
  const a = run(1);
  const b = run(workers);
  identical &&= sameBits(a.out, b.out);
  one.push(a);
  many.push(b);
  // CPU ms / wall ms = cores the process actually got (all its threads); under a full machine with
  // sched_autogroup the process gets its group's share, however many threads it runs
  console.log(
    `rep ${r + 1}: 1 thread ${a.ms.toFixed(0)} ms (${(a.cpu / a.ms).toFixed(2)} cores), ${workers} threads ${b.ms.toFixed(0)} ms ` +
      `(${(b.cpu / b.ms).toFixed(2)} cores), ratio ${(a.ms / b.ms).toFixed(2)}; busiest thread CPU ${a.critical} vs ${b.critical} ms, ` +
      `ratio ${(a.critical / b.critical).toFixed(2)} (load ${load()})`,
  );
}
const m1 = median(one.map((x) => x.ms));
const mN = median(many.map((x) => x.ms));
console.log(
  JSON.stringify({
    batch: B, T, D, workers, reps,
    oneThreadMs: Math.round(m1),
    [`${workers}ThreadsMs`]: Math.round(mN),
    speedup: Number((m1 / mN).toFixed(3)),
    perRepRatios: one.map((x, i) => Number((x.ms / many[i].ms).toFixed(3))),
    // wall-time ratio if each thread had a core: 1-thread CPU over the busiest thread's CPU
    criticalPathSpeedup: Number((median(one.map((x) => x.critical)) / median(many.map((x) => x.critical))).toFixed(3)),
    coresUsed1: one.map((x) => Number((x.cpu / x.ms).toFixed(2))),
    [`coresUsed${workers}`]: many.map((x) => Number((x.cpu / x.ms).toFixed(2))),
    bitIdentical: identical,
    responsesByWorkers: rankMetricsPool.stats.byWorkers,
    responsesByCaller: rankMetricsPool.stats.byCaller,
    workerRecomputed: rankMetricsPool.stats.recomputed,
    loadAverageAtEnd: load(),
  }),
);
await rankMetricsPool.close();
if (!identical) process.exit(1);

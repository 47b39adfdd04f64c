// Benchmark: rankDynamics (T = 512, stride 40) at D = 896 and 3584, effectiveRank at T = 1536,
// timed against the same algorithm in numpy (LAPACK eigvalsh) on the same inputs, same run.
// Usage: pnpm --filter @verl-ts/rank-metrics bench   (builds first; REPS=5 by default)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { effectiveRank, rankDynamics } from '../dist/index.js';
import { hiddenLike } from './hidden-like.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const reps = Number(process.env.REPS ?? 5);


function median(xs) {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median wall and CPU time; CPU time is much less disturbed by other processes on the machine. */
function timeOurs(fn) {
  const value = fn(); // warm-up (JIT)
  const ms = [];
  const cpu = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    fn();
    ms.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  return { ms: median(ms), cpu: median(cpu), value };
}

function hasNumpy() {
  const r = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  return r.status === 0;
}

function timeNumpy(file, T, D, task, stride, maxTokens, threads) {
  const env = { ...process.env };
  // threads = 1 gives a like-for-like single-core baseline (ours is single-threaded).
  if (threads) env.OPENBLAS_NUM_THREADS = env.OMP_NUM_THREADS = String(threads);
  // Let OpenBLAS pick its own kernel and cache sizes (this environment may pin them).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(
    'python3',
    [join(here, 'numpy_baseline.py'), file, String(T), String(D), task, String(stride), String(maxTokens), String(reps)],
    { env, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`numpy baseline failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  return { ms: median(out.ms), cpu: median(out.cpu), value: out.value, version: out.numpy };
}

const cases = [
  { name: 'rankDynamics T=512 stride=40 D=896', T: 512, D: 896, task: 'dynamics' },
  { name: 'rankDynamics T=512 stride=40 D=3584', T: 512, D: 3584, task: 'dynamics' },
  { name: 'effectiveRank T=1536 D=896', T: 1536, D: 896, task: 'er' },
];

const dir = mkdtempSync(join(tmpdir(), 'rank-metrics-bench-'));
const numpy = hasNumpy();
const rows = [];
try {
  for (const [i, c] of cases.entries()) {
    const data = hiddenLike(c.T, c.D, 1000 + i);
    const h = { data, rows: c.T, cols: c.D };
    const ours =
      c.task === 'dynamics'
        ? timeOurs(() => {
            const r = rankDynamics(h, { stride: 40, maxTokens: 512 });
            return [r.erv, r.era];
          })
        : timeOurs(() => effectiveRank(h));
    let base = null;
    let base1 = null;
    if (numpy) {
      const file = join(dir, `case${i}.f32`);
      writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      base = timeNumpy(file, c.T, c.D, c.task, 40, 512);
      base1 = timeNumpy(file, c.T, c.D, c.task, 40, 512, 1);
    }
    const row = {
      case: c.name,
      'ours ms': ours.ms.toFixed(1),
      'numpy ms': base ? base.ms.toFixed(1) : 'n/a',
      'ours/numpy': base ? (ours.ms / base.ms).toFixed(2) : 'n/a',
      'numpy 1-thread ms': base1 ? base1.ms.toFixed(1) : 'n/a',
      'ours/numpy 1-thread': base1 ? (ours.ms / base1.ms).toFixed(2) : 'n/a',
      'ours CPU ms': ours.cpu.toFixed(1),
      'numpy 1-thread CPU ms': base1 ? base1.cpu.toFixed(1) : 'n/a',
      'CPU ratio (1-thread)': base1 ? (ours.cpu / base1.cpu).toFixed(2) : 'n/a',
      ours: JSON.stringify(ours.value, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(7)) : v)),
      numpy: base ? JSON.stringify(base.value, (_, v) => (typeof v === 'number' ? Number(v.toPrecision(7)) : v)) : 'n/a',
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `\n${cpus()[0]?.model ?? 'cpu'} x ${cpus().length}, node ${process.version}, ${reps} timed runs each (median wall time), ` +
    `numpy ${numpy ? 'present' : 'absent'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (other processes distort both sides)`,
);
console.table(rows);

// Grading throughput (responses/s) on the 397 labelled grader cases of
// fixtures/benchmarks/grader-cases.jsonl: every case graded ROUNDS times (the question of its
// benchmark row passed as `question`, as grader-cases.test.ts does), in Promise.all batches.
// Run: pnpm --filter @verl-ts/verifiers bench:cases (builds dist first)
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CasPool, gradeAnswer } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const BATCH = 64;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const jsonl = (p) => readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const cases = jsonl(join(root, 'fixtures', 'benchmarks', 'grader-cases.jsonl'));

// the question of each case's benchmark row (ids as in src/test-utils/benchmarks.ts)
const questions = new Map();
for (const b of new Set(cases.map((c) => c.benchmark))) {
  const file = b.startsWith('gaokao2024') ? join(root, 'packages', 'datasets', 'data', b, 'test.jsonl') : join(root, 'fixtures', 'benchmarks', b, 'test.jsonl');
  jsonl(file).forEach((r, k) => questions.set(`${b}#${String(r.unique_id ?? r.idx ?? r.id ?? k)}`, String(r.question ?? r.problem ?? '')));
}
const work = cases.map((c) => ({ response: c.prediction, problem: { answer: c.gold, benchmark: c.benchmark, question: questions.get(`${c.benchmark}#${c.source_id}`) }, expected: c.expected }));

const pool = new CasPool(2);
let t = performance.now();
await pool.warmup();
const warm = performance.now() - t;

async function round() {
  let agree = 0;
  for (let k = 0; k < work.length; k += BATCH) {
    const rs = await Promise.all(work.slice(k, k + BATCH).map((w) => gradeAnswer(w.response, w.problem, { pool, timeoutMs: 5000 })));
    rs.forEach((r, j) => { if (r.correct === work[k + j].expected) agree++; });
  }
  return agree;
}
await round(); // warm the JIT and the workers' expression caches once
const jobs0 = pool.jobs;
t = performance.now();
// CPU time of the whole process (main thread and CAS workers): steadier than wall time on a
// machine shared with other jobs
const cpu0 = process.cpuUsage();
let agree = 0;
for (let r = 0; r < ROUNDS; r++) agree = await round();
const ms = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const cpuUs = cpu.user + cpu.system;
const n = work.length * ROUNDS;

console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; node ${process.version}; ${new Date().toISOString()}`);
console.log(`CAS worker start-up (2 workers): ${warm.toFixed(0)} ms (once per process)`);
console.log(`grader cases: ${work.length} x ${ROUNDS} rounds = ${n} grades in ${(ms / 1000).toFixed(2)} s`);
console.log(`throughput: ${((n * 1000) / ms).toFixed(0)} responses/s (${((ms * 1000) / n).toFixed(0)} µs/response); agreement ${agree}/${work.length}; CAS jobs ${((100 * (pool.jobs - jobs0)) / n).toFixed(1)}% of grades`);
console.log(`CPU time: ${(cpuUs / n).toFixed(0)} µs/response (all threads), i.e. ${((n * 1e6) / cpuUs).toFixed(0)} responses per CPU-second`);
await pool.close();

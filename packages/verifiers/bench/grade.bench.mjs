// Throughput of gradeAnswer on a synthetic RL batch, against a baseline measured in the same
// run: extraction + normalised string equality (the cheapest grader one could use).
// Run: pnpm --filter @verl-ts/verifiers bench
import os from 'node:os';
import { CasPool, extractAnswer, gradeAnswer, normalizeAnswer } from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 4000);
const BATCH = 512;

// A deterministic mix of typical responses: integers (most of an RL batch), fractions,
// decimals, surds and π (these need the CAS when right), expressions, intervals, choices.
const templates = [
  ['The total is $\\boxed{42}$.', '42'],
  ['So we get $\\boxed{41}$.', '42'],
  ['Hence $\\boxed{\\frac{3}{4}}$.', '0.75'],
  ['Hence $\\boxed{0.76}$.', '\\frac{3}{4}'],
  ['The answer is 1,250.', '1250'],
  ['Thus $\\boxed{\\sqrt{242}}$.', '11\\sqrt2'],
  ['Thus $\\boxed{\\frac{\\pi}{2}}$.', '\\frac{\\pi}{2}'],
  ['Thus $\\boxed{2\\pi}$.', '\\frac{\\pi}{2}'],
  ['We get $\\boxed{(x+1)^2}$.', 'x^2+2x+1'],
  ['So $\\boxed{[2, 5)}$.', '[2,5)'],
  ['So $\\boxed{(2, 5)}$.', '[2,5)'],
  ['故选 C。', 'C'],
  ['Final Answer: The final answer is $4.5 \\times 10^{33}$. I hope it is correct.', '4.5e33'],
  ['She has 16 - 3 - 4 = 9 eggs left.', '18'],
];
const work = Array.from({ length: N }, (_, k) => {
  const [resp, gold] = templates[k % templates.length];
  return { response: `Step ${k}: some reasoning with numbers ${k} and ${k + 1}. ${resp}`, gold };
});

function baseline(items) {
  let correct = 0;
  for (const { response, gold } of items) {
    const a = extractAnswer(response);
    if (a !== null && normalizeAnswer(a).replace(/\s/g, '') === normalizeAnswer(gold).replace(/\s/g, '')) correct++;
  }
  return correct;
}

async function ours(items, pool) {
  let correct = 0;
  for (let k = 0; k < items.length; k += BATCH) {
    const rs = await Promise.all(items.slice(k, k + BATCH).map((w) => gradeAnswer(w.response, { answer: w.gold }, { pool })));
    correct += rs.filter((r) => r.correct).length;
  }
  return correct;
}

const pool = new CasPool(2);
let t = performance.now();
await pool.warmup();
const warm = performance.now() - t;
baseline(work.slice(0, 200));
await ours(work.slice(0, 200), pool);
const jobs0 = pool.jobs;

t = performance.now();
const cb = baseline(work);
const tb = performance.now() - t;
t = performance.now();
const co = await ours(work, pool);
const to = performance.now() - t;

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`machine: ${cpu}, ${os.cpus().length} cores; node ${process.version}; ${new Date().toISOString()}`);
console.log(`CAS worker start-up (2 workers, mathjs load): ${warm.toFixed(0)} ms (once per process)`);
console.log(`calls: ${N}, in batches of ${BATCH} (Promise.all)`);
console.log(`baseline (extract + string equality): ${((tb * 1000) / N).toFixed(1)} µs/call, ${cb} judged correct`);
console.log(`gradeAnswer:                          ${((to * 1000) / N).toFixed(1)} µs/call, ${co} judged correct, ${pool.jobs - jobs0} CAS jobs (${((100 * (pool.jobs - jobs0)) / N).toFixed(1)}% of calls)`);
console.log(`ratio gradeAnswer / baseline: ${(to / tb).toFixed(1)}x`);
await pool.close();

// Benchmarks for @verl-ts/datasets (run: pnpm --filter @verl-ts/datasets bench).
// 1. Loading every benchmark and training set of the reference data through the registry,
//    against a baseline measured in the same run: read + split + JSON.parse of the same files.
// 2. Generating and solving synthetic arithmetic problems, against evaluating the same
//    expressions with the JavaScript engine.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ds from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.VERL_SHARED_DIR ?? resolve(here, '..', '..', '..', '..', 'shared');
if (!existsSync(join(shared, 'benchmarks'))) {
  console.error(`reference data not found at ${shared} (set VERL_SHARED_DIR)`);
  process.exit(1);
}

async function best(fn, reps = 5) {
  let min = Infinity;
  let out;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    out = await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return { ms: min, out };
}

const jobs = [
  ...ds.listBenchmarks().map((n) => ({ kind: 'benchmark', name: n, file: join(shared, 'benchmarks', n, 'test.jsonl') })),
  ...ds.listTrainingSets().map((n) => ({ kind: 'training set', name: n, file: join(shared, 'train', n, 'train.jsonl') })),
];

const baseline = await best(async () => {
  let rows = 0;
  for (const j of jobs) {
    const text = await readFile(j.file, 'utf8');
    for (const line of text.split('\n')) if (line.trim()) (JSON.parse(line), rows++);
  }
  return rows;
});
const ours = await best(async () => {
  let rows = 0;
  for (const j of jobs) {
    const ps = j.kind === 'benchmark'
      ? await ds.loadBenchmark(j.name, { dataDir: join(shared, 'benchmarks') })
      : await ds.loadTrainingSet(j.name, { dataDir: join(shared, 'train'), keepEmptyAnswers: true });
    rows += ps.length;
  }
  return rows;
});
console.log(`load all ${jobs.length} datasets (${ours.out} rows): ${ours.ms.toFixed(1)} ms; baseline read+JSON.parse (${baseline.out} rows): ${baseline.ms.toFixed(1)} ms; ratio ${(ours.ms / baseline.ms).toFixed(2)}x`);

const N = 20000;
const gen = await best(() => {
  const ps = ds.arithmeticProblems({ count: N, seed: 1, difficulty: 4 });
  return ps.map((p) => ds.arithmeticSolution(p)).length;
});
const problems = ds.arithmeticProblems({ count: N, seed: 1, difficulty: 4 });
const evalBase = await best(() => problems.map((p) => Function(`return (${p.question});`)()).length);
console.log(`arithmetic: ${N} problems generated and solved (level 4): ${gen.ms.toFixed(1)} ms (${Math.round((N / gen.ms) * 1000)}/s); baseline JS Function() evaluation of the same expressions: ${evalBase.ms.toFixed(1)} ms; ratio ${(gen.ms / evalBase.ms).toFixed(2)}x`);

// Benchmarks for @verl-ts/datasets (run: pnpm --filter @verl-ts/datasets bench).
// 1. Loading every benchmark and training set through the registry (from DATA_DIR, a folder with
//    benchmarks/ and train/, default: the repository's fixtures/, whose large files are slices),
//    against a baseline measured in the same run: read + split + JSON.parse of the same files.
// 2. Generating and solving synthetic arithmetic problems, against evaluating the same
//    expressions with the JavaScript engine.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ds from '../dist/index.js';

// usage: pnpm --filter @verl-ts/datasets bench [DATA_DIR]
const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(process.argv[2] ?? join(here, '..', '..', '..', 'fixtures'));
if (!existsSync(join(dataDir, 'benchmarks')) || !existsSync(join(dataDir, 'train'))) {
  console.error(`no benchmarks/ and train/ folders in ${dataDir}`);
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

const where = async (kind, name) =>
  (await ds.resolveDatasetFile(kind === 'benchmark' ? ds.getBenchmark(name) : ds.getTrainingSet(name), kind, { dataDir })).path;
const jobs = [];
for (const name of ds.listBenchmarks()) jobs.push({ kind: 'benchmark', name, file: await where('benchmark', name) });
for (const name of ds.listTrainingSets()) jobs.push({ kind: 'training set', name, file: await where('training set', name) });

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
      ? await ds.loadBenchmark(j.name, { dataDir })
      : await ds.loadTrainingSet(j.name, { dataDir, keepEmptyAnswers: true });
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

// verl eval: score a local model folder or a remote OpenAI-compatible server on benchmarks.
import { join, resolve } from 'node:path';
import { bool, intList, num, str, strList, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { ProgressBar } from '../cli/progress.js';
import { runEval } from '../eval/run-eval.js';
import { formatSummaryTable } from '../eval/table.js';
import { openEngine, parseBackend } from './shared/engine.js';
import { defaultTemplate, loadProblems } from './shared/problems.js';

export const command: Command = {
  spec: {
    name: 'eval',
    summary: 'score a model on benchmarks: pass@1, avg@n, unbiased pass@k, maj@k',
    usage: 'verl eval (--model DIR | --remote URL) --bench NAME[,NAME…] [options]',
    options: {
      model: { type: 'string', value: 'DIR', description: 'local model folder (HF layout: config.json, model.safetensors, tokenizer.json)' },
      remote: { type: 'string', value: 'URL', description: 'OpenAI-compatible server (vLLM, SGLang, verl serve), e.g. http://127.0.0.1:8000' },
      'remote-model': { type: 'string', value: 'NAME', description: "model id on the server (default: the first one it lists)" },
      bench: { type: 'string', value: 'LIST', default: 'gaokao2024_mix', description: "benchmarks, comma-separated (datasets registry, or 'arithmetic' for the demo's held-out set)" },
      n: { type: 'string', value: 'N', default: '16', description: 'responses sampled per problem' },
      k: { type: 'string', value: 'LIST', default: '1,4,16', description: 'k values for pass@k and maj@k (each ≤ n)' },
      temperature: { type: 'string', value: 'T', default: '0.6', description: 'sampling temperature (0 = greedy)' },
      'top-p': { type: 'string', value: 'P', default: '0.95', description: 'nucleus sampling mass' },
      'max-tokens': { type: 'string', value: 'N', default: '1536', description: 'maximum new tokens per response' },
      template: { type: 'string', value: 'NAME', description: "prompt template (qwen-math, abel, plain, arithmetic, …; default: arithmetic for 'arithmetic', else qwen-math)" },
      stop: { type: 'string', value: 'LIST', description: 'extra stop strings, comma-separated' },
      'data-dir': { type: 'string', value: 'DIR', description: 'folder with <benchmark>/test.jsonl (otherwise the datasets cache / download)' },
      out: { type: 'string', value: 'DIR', description: 'output folder (default: runs/eval/<model>); rerun with the same folder to resume' },
      limit: { type: 'string', value: 'N', description: "only the first N problems of each benchmark ('arithmetic': how many to generate, default 200)" },
      difficulty: { type: 'string', value: 'LEVEL', default: '2', description: "difficulty level 1-5 of the 'arithmetic' benchmark (the bundled model's is 2)" },
      seed: { type: 'string', value: 'S', default: '0', description: 'sampling seed' },
      batch: { type: 'string', value: 'N', default: '8', description: 'problems per generation batch' },
      backend: { type: 'string', value: 'NAME', description: 'TensorFlow.js backend for --model: wasm (default), cpu, webgpu, tensorflow' },
      concurrency: { type: 'string', value: 'N', default: '8', description: 'parallel requests for --remote' },
      'no-equivalence-vote': { type: 'boolean', description: 'maj@k groups answers by exact text instead of math equivalence' },
      probe: { type: 'boolean', description: 'with --model: also write probe.jsonl (per response: token entropy, confidence, ER, ERV, ERA) for report' },
      'probe-stride': { type: 'string', value: 'S', default: '40', description: 'ERV/ERA window stride of the probe (paper: 40)' },
    },
    examples: [
      'verl eval --model assets/tiny-arith --bench arithmetic --n 8 --k 1,4,8 --max-tokens 48',
      'verl eval --remote http://127.0.0.1:8000 --bench gaokao2024_mix,math500 --n 16 --k 1,4,16',
    ],
  },
  async run(args, io) {
    const v = args.values;
    const benches = strList(v, 'bench') ?? [];
    if (benches.length === 0) throw new UsageError('--bench needs at least one benchmark');
    const n = num(v, 'n', { integer: true, min: 1 })!;
    const ks = intList(v, 'k')!.filter((k) => k <= n);
    if (ks.length === 0) throw new UsageError(`every --k value is larger than --n ${n}`);
    const temperature = num(v, 'temperature', { min: 0 })!;
    const topP = num(v, 'top-p', { min: 0, max: 1 })!;
    const maxTokens = num(v, 'max-tokens', { integer: true, min: 1 })!;
    const limit = num(v, 'limit', { integer: true, min: 1 });
    const seed = num(v, 'seed', { integer: true })!;
    const batch = num(v, 'batch', { integer: true, min: 1 })!;
    const template = str(v, 'template');
    const dataDir = str(v, 'data-dir');

    const datasets = await import('@verl-ts/datasets');
    const verifiers = await import('@verl-ts/verifiers');
    const benchmarks = [];
    const difficulty = num(v, 'difficulty', { integer: true, min: 1, max: 5 });
    for (const b of benches) benchmarks.push({ name: b, problems: await loadProblems(b, { dataDir, limit, difficulty }) });

    const opened = await openEngine({
      model: str(v, 'model'),
      remote: str(v, 'remote'),
      remoteModel: str(v, 'remote-model'),
      backend: parseBackend(str(v, 'backend')),
      concurrency: num(v, 'concurrency', { integer: true, min: 1 }),
    });
    const outDir = resolve(str(v, 'out') ?? join('runs', 'eval', opened.name));
    const total = benchmarks.reduce((a, b) => a + b.problems.length, 0);
    const bar = new ProgressBar({ label: 'eval', total, stream: io.stderr });
    const equivalent = (verifiers as { isEquivalent?: (a: string, b: string) => Promise<boolean> }).isEquivalent;
    try {
      const { summary, complete } = await runEval({
        engine: opened.engine,
        modelName: opened.name,
        benchmarks,
        prompt: (q, bench) => datasets.formatPrompt((template ?? defaultTemplate([bench])) as never, q),
        grade: async (response, p) => {
          const g = await verifiers.gradeAnswer(response, { answer: p.answer, question: p.question, benchmark: p.benchmark });
          return { correct: g.correct, extracted: g.extracted };
        },
        equal: !bool(v, 'no-equivalence-vote') && equivalent ? (a, b) => equivalent(a, b) : undefined,
        n,
        ks,
        temperature,
        topP,
        maxTokens,
        template: template ?? defaultTemplate(benches),
        seed,
        limit,
        stop: strList(v, 'stop'),
        outDir,
        batchProblems: batch,
        signal: io.signal,
        onProgress: (p) => bar.update(p.done, `${p.benchmark} acc=${p.samplesSoFar ? ((100 * p.correctSoFar) / p.samplesSoFar).toFixed(1) : '–'}%`),
        log: (line) => io.stderr.write(line + '\n'),
      });
      bar.finish();
      if (!complete) {
        io.stderr.write(`stopped; finished problems are in ${outDir}. Run the same command again to resume.\n`);
        return 130;
      }
      if (bool(v, 'probe')) {
        if (!opened.local) throw new UsageError('--probe needs --model (the hidden states come from a local forward pass)');
        const { probeResponses, writeProbe } = await import('../eval/probe.js');
        const { readRecords } = await import('../eval/records.js');
        const rows = [];
        for (const b of benchmarks) {
          const records = [...readRecords(join(outDir, `${b.name}.jsonl`)).values()];
          const tpl = template ?? defaultTemplate([b.name]);
          rows.push(...(await probeResponses(opened.local.model, opened.local.tokenizer, records, (q) => datasets.formatPrompt(tpl as never, q), { stride: num(v, 'probe-stride', { integer: true, min: 1 })! })));
        }
        writeProbe(join(outDir, 'probe.jsonl'), rows);
        io.stderr.write(`probe: ${rows.length} responses → ${join(outDir, 'probe.jsonl')}\n`);
      }
      io.stdout.write('\n' + formatSummaryTable(summary));
      io.stdout.write(`\nper-problem records: ${outDir}/<benchmark>.jsonl\nsummary: ${join(outDir, 'summary.json')}, ${join(outDir, 'summary.md')}\n`);
      return 0;
    } finally {
      await opened.close();
    }
  },
};

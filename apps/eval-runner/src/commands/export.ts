// verl export --format gguf --model DIR --out FILE: an HF checkpoint folder as one GGUF file for
// llama.cpp (the engine of `--engine llamacpp`, or any llama.cpp tool).
import { resolve } from 'node:path';
import { str, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import type { GgufDtype } from '@verl-ts/rollout-llamacpp';

// listed here because the package (and node-llama-cpp with it) is imported only once the
// arguments are checked; typed, so a name the exporter does not know fails the typecheck
const DTYPES: readonly GgufDtype[] = ['f32', 'f16', 'q8_0'];

export const command: Command = {
  spec: {
    name: 'export',
    summary: 'write a model folder as GGUF for llama.cpp',
    usage: 'verl export --format gguf --model DIR --out FILE [--dtype f32|f16|q8_0]',
    options: {
      format: { type: 'string', value: 'FORMAT', default: 'gguf', description: 'output format (gguf)' },
      model: { type: 'string', value: 'DIR', description: 'HF-layout model folder: config.json, model.safetensors (or shards), tokenizer.json' },
      out: { type: 'string', value: 'FILE', description: 'the file to write' },
      dtype: { type: 'string', value: 'f32|f16|q8_0', default: 'f32', description: "storage of the weight matrices (norms and biases stay f32); q8_0: ggml's 8-bit blocks (an f16 scale per 32 weights), about half of f16's size, rows not a multiple of 32 in f16" },
    },
    examples: ['verl export --format gguf --model apps/eval-runner/assets/tiny-arith --out tiny-arith.gguf', 'verl export --model apps/eval-runner/assets/tiny-arith --out tiny-arith-f16.gguf --dtype f16', 'verl export --model apps/eval-runner/assets/tiny-arith --out tiny-arith-q8_0.gguf --dtype q8_0'],
  },
  async run(args, io) {
    const format = str(args.values, 'format') ?? 'gguf';
    if (format !== 'gguf') throw new UsageError(`--format must be gguf, got '${format}'`);
    const model = str(args.values, 'model');
    if (!model) throw new UsageError('give --model DIR');
    const out = str(args.values, 'out');
    if (!out) throw new UsageError('give --out FILE');
    const dtype = str(args.values, 'dtype') ?? 'f32';
    if (!(DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`--dtype must be ${DTYPES.join(', ')}, got '${dtype}'`);
    const { exportGguf } = await import('@verl-ts/rollout-llamacpp');
    const t0 = Date.now();
    const res = await exportGguf({ modelDir: model, out: resolve(out), dtype: dtype as GgufDtype });
    io.stdout.write(`wrote ${res.file} (${res.architecture}, ${res.tensors} tensors, ${(res.bytes / 2 ** 20).toFixed(1)} MiB, ${dtype}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return 0;
  },
};

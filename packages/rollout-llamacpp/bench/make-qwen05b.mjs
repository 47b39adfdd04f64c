// Writes a Qwen2.5-0.5B-shaped checkpoint with random weights (24 layers, 494M parameters, bf16)
// and the real Qwen tokenizer: the generator lives in @verl-ts/models' bench
// (packages/models/bench/make-qwen05b.mjs, which also makes 1- and 2-layer versions).
// Run: node bench/make-qwen05b.mjs OUT_DIR   (after pnpm --filter '@verl-ts/rollout-llamacpp...' build)
import { QWEN25_05B, writeQwen05bShape } from '../../models/bench/make-qwen05b.mjs';

export { QWEN25_05B };

const out = process.argv[2];
if (!out) {
  console.error('usage: node bench/make-qwen05b.mjs OUT_DIR');
  process.exit(2);
}
const s = await writeQwen05bShape(out);
console.log(`wrote ${out} in ${s.toFixed(0)} s`);

// Benchmark: forward+backward of the bundled tiny-arith model (batch 64 × 24 tokens) on the WASM
// backend, with tfjs's own BatchMatMul (transpose flags) vs the app's adapter (explicit
// transposes), measured in the same process. Needs `pnpm build`. Usage: pnpm bench
import * as tf from '@tensorflow/tfjs';
import { loadCausalLM, initBackend } from '@verl-ts/models';
import { installWasmMatMulAdapter } from '../dist/runtime/wasm-matmul.js';
import { tinyArithDir } from '../dist/demo/assets.js';

await initBackend('wasm');
const model = await loadCausalLM(tinyArithDir());
const B = 64, T = 24, reps = Number(process.env.REPS ?? 5);
const ids = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => 4 + ((b + 3 * t) % 24)));
const mask = ids.map((r) => r.map(() => 1));
const vars = model.trainableVariables();
const loss = () => tf.tidy(() => { const o = model.forward({ inputIds: ids, attentionMask: mask }); return tf.mean(tf.square(o.logits)); });
async function time() {
  const once = async () => { const { value, grads } = tf.variableGrads(loss, vars); await value.data(); tf.dispose([value, ...Object.values(grads)]); };
  await once(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await once();
  return (performance.now() - t0) / reps;
}
const base = await time();
installWasmMatMulAdapter();
const adapted = await time();
console.log(`fwd+bwd, tiny-arith, batch ${B}×${T}, wasm: tfjs BatchMatMul ${base.toFixed(0)} ms, with adapter ${adapted.toFixed(0)} ms, speed-up ×${(base / adapted).toFixed(2)}`);

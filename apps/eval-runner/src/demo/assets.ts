// Locations of the bundled policies (apps/eval-runner/assets/tiny-arith, long-arith), the same from
// src/ (tests) and dist/ (the built bin).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function tinyArithDir(): string {
  const dir = fileURLToPath(new URL('../../assets/tiny-arith', import.meta.url));
  if (!existsSync(`${dir}/model.safetensors`)) throw new Error(`bundled model missing: ${dir}/model.safetensors (the checkout is incomplete)`);
  return dir;
}

/**
 * Location of the bundled long-task policy (apps/eval-runner/assets/long-arith): arithmetic level 6,
 * worked solutions of ~140-160 tokens, for rank metrics at the paper's stride of 40.
 */
export function longArithDir(): string {
  const dir = fileURLToPath(new URL('../../assets/long-arith', import.meta.url));
  if (!existsSync(`${dir}/model.safetensors`)) throw new Error(`bundled model missing: ${dir}/model.safetensors (the checkout is incomplete)`);
  return dir;
}

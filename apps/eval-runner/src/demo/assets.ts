// Location of the bundled tiny policy (apps/eval-runner/assets/tiny-arith), the same from
// src/ (tests) and dist/ (the built bin).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function tinyArithDir(): string {
  const dir = fileURLToPath(new URL('../../assets/tiny-arith', import.meta.url));
  if (!existsSync(`${dir}/model.safetensors`)) throw new Error(`bundled model missing: ${dir}/model.safetensors (the checkout is incomplete)`);
  return dir;
}

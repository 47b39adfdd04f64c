// Tests only: the HF reference fixtures in fixtures/hf-reference.
import { readFileSync } from 'node:fs';
import { fixturePath } from '../../../../tools/test-support/fixtures.js';

export const FIXTURES = ['qwen2-tiny', 'qwen2-tiny-bf16', 'llama-tiny'] as const;

export interface Reference {
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
  logits_shape: [number, number, number];
  logits: number[];
  hidden_shape: [number, number, number];
  last_hidden_state: number[];
  next_token_logprobs: number[];
  loss_masked_mean_nll: number;
  greedy_prompt: number[];
  greedy_continuation: number[];
  grads: Record<string, { shape: number[]; sum_abs: number; first8: number[] }>;
}

export function fixtureDir(name: string): string {
  return fixturePath('hf-reference', name);
}

export function loadReference(name: string): Reference {
  return JSON.parse(readFileSync(`${fixtureDir(name)}/reference.json`, 'utf8')) as Reference;
}

/** max |a - b| over positions (b, t) where mask[b][t] = 1; arrays are [B, T, D] row-major */
export function maskedMaxAbs(a: ArrayLike<number>, b: ArrayLike<number>, mask: number[][], D: number): number {
  const T = mask[0].length;
  let m = 0;
  for (let r = 0; r < mask.length; r++)
    for (let t = 0; t < T; t++) {
      if (!mask[r][t]) continue;
      const o = (r * T + t) * D;
      for (let i = 0; i < D; i++) m = Math.max(m, Math.abs(a[o + i] - b[o + i]));
    }
  return m;
}

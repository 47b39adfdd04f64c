// Tests only: an hf-reference fixture checkpoint copied to a temporary folder with a tokenizer.
// The fixtures carry no tokenizer.json; their vocabulary of 320 is given the models package's
// character tokenizer (4 special tokens, then 316 characters), as rollout's real-tokenizer test does.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCharTokenizer } from '@verl-ts/models';
import { fixturePath } from '../../../../tools/test-support/fixtures.js';

/** 95 printable ASCII characters, newline, then 220 characters from U+00C0 on: 316 in all. */
export const ALPHABET = [
  ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)),
  '\n',
  ...Array.from({ length: 220 }, (_, i) => String.fromCharCode(0xc0 + i)),
].join('');

export const FIXTURE_MODELS = ['qwen2-tiny', 'qwen2-tiny-bf16', 'llama-tiny'] as const;
export type FixtureModel = (typeof FIXTURE_MODELS)[number];

export interface Reference {
  input_ids: number[][];
  attention_mask: number[][];
  logits: number[];
  logits_shape: [number, number, number];
  greedy_prompt: number[];
  greedy_continuation: number[];
}

export function readReference(name: FixtureModel): Reference {
  return JSON.parse(readFileSync(fixturePath('hf-reference', name, 'reference.json'), 'utf8')) as Reference;
}

/** A temporary copy of the fixture with a tokenizer.json; call `cleanup` when done. */
export async function fixtureWithTokenizer(name: FixtureModel): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), `llamacpp-${name}-`));
  cpSync(fixturePath('hf-reference', name), dir, { recursive: true });
  rmSync(join(dir, 'reference.json'));
  await writeCharTokenizer(dir, ALPHABET);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** log_softmax of the reference logits at row b, position t. */
export function referenceLogprobs(ref: Reference, b: number, t: number): Float64Array {
  const [, T, V] = ref.logits_shape;
  const row = ref.logits.slice((b * T + t) * V, (b * T + t + 1) * V);
  const max = Math.max(...row);
  let sum = 0;
  for (const x of row) sum += Math.exp(x - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(row, (x) => x - lse);
}

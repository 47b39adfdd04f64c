// GGUF export of the hf-reference fixtures, read back with @huggingface/gguf (an independent
// parser): tensor names, shapes and types, hyper-parameters and tokenizer keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gguf } from '@huggingface/gguf';
import { readHFConfig, weightSpecs } from '@verl-ts/models';
import { exportGguf } from './export-gguf.js';
import { toByteLevel } from './byte-level.js';
import { ALPHABET, FIXTURE_MODELS, fixtureWithTokenizer } from '../test-utils/fixture-model.js';

const made: Array<() => void> = [];
afterAll(() => made.forEach((c) => c()));

async function exported(name: (typeof FIXTURE_MODELS)[number], dtype: 'f32' | 'f16') {
  const { dir, cleanup } = await fixtureWithTokenizer(name);
  made.push(cleanup);
  const res = await exportGguf({ modelDir: dir, out: join(dir, `model-${dtype}.gguf`), dtype });
  const parsed = await gguf(res.file, { allowLocalFile: true });
  const { config } = await readHFConfig(dir);
  return { dir, res, parsed, config };
}

describe.each(FIXTURE_MODELS)('exportGguf(%s)', (name) => {
  let f32: Awaited<ReturnType<typeof exported>>;
  let f16: Awaited<ReturnType<typeof exported>>;
  beforeAll(async () => {
    f32 = await exported(name, 'f32');
    f16 = await exported(name, 'f16');
  });

  it('writes every weight under llama.cpp names with ggml (reversed) shapes', () => {
    const { parsed, config } = f32;
    const arch = name === 'llama-tiny' ? 'llama' : 'qwen2';
    expect(parsed.metadata.version).toBe(3);
    expect(parsed.metadata['general.architecture']).toBe(arch);
    const byName = new Map(parsed.tensorInfos.map((t) => [t.name, t]));
    const expected: Record<string, number[]> = {
      'token_embd.weight': [64, 320],
      'output_norm.weight': [64],
      'blk.0.attn_norm.weight': [64],
      'blk.1.ffn_norm.weight': [64],
      'blk.0.attn_q.weight': [64, config.numHeads * config.headDim],
      'blk.0.attn_k.weight': [64, config.numKvHeads * config.headDim],
      'blk.1.attn_v.weight': [64, config.numKvHeads * config.headDim],
      'blk.1.attn_output.weight': [config.numHeads * config.headDim, 64],
      'blk.0.ffn_gate.weight': [64, config.intermediateSize],
      'blk.0.ffn_up.weight': [64, config.intermediateSize],
      'blk.0.ffn_down.weight': [config.intermediateSize, 64],
    };
    for (const [n, shape] of Object.entries(expected)) expect(byName.get(n)?.shape.map(Number), n).toEqual(shape);
    // q/k/v biases for Qwen2, none for this Llama; a tied model has no output.weight
    expect(byName.get('blk.0.attn_q.bias')?.shape.map(Number)).toEqual(arch === 'qwen2' ? [config.numHeads * config.headDim] : undefined);
    expect(byName.get('blk.1.attn_v.bias')?.shape.map(Number)).toEqual(arch === 'qwen2' ? [config.numKvHeads * config.headDim] : undefined);
    expect(byName.has('output.weight')).toBe(!config.tieWordEmbeddings);
    expect(parsed.tensorInfos.length).toBe(weightSpecs(config).length);
    // data offsets are 32-byte aligned and in order
    for (const t of parsed.tensorInfos) expect(Number(t.offset) % 32).toBe(0);
    expect(f32.res.tensors).toBe(parsed.tensorInfos.length);
  });

  it('f32 keeps every tensor in f32; f16 stores matrices in f16 and vectors in f32', () => {
    for (const t of f32.parsed.tensorInfos) expect(t.dtype, t.name).toBe(0);
    for (const t of f16.parsed.tensorInfos) expect(t.dtype, t.name).toBe(t.n_dims === 1 ? 0 : 1);
    expect((f32.parsed.metadata as Record<string, unknown>)['general.file_type']).toBe(0);
    expect((f16.parsed.metadata as Record<string, unknown>)['general.file_type']).toBe(1);
    expect(f16.res.bytes).toBeLessThan(f32.res.bytes * 0.6);
  });

  it('states the hyper-parameters under llama.cpp keys', () => {
    const { parsed, config } = f32;
    const m = parsed.metadata as Record<string, unknown>;
    const a = m['general.architecture'] as string;
    expect(m[`${a}.block_count`]).toBe(2);
    expect(m[`${a}.embedding_length`]).toBe(64);
    expect(m[`${a}.context_length`]).toBe(256);
    expect(m[`${a}.feed_forward_length`]).toBe(config.intermediateSize);
    expect(m[`${a}.attention.head_count`]).toBe(config.numHeads);
    expect(m[`${a}.attention.head_count_kv`]).toBe(config.numKvHeads);
    expect(m[`${a}.rope.dimension_count`]).toBe(config.headDim);
    expect(m[`${a}.rope.freq_base`]).toBe(config.ropeTheta);
    expect(m[`${a}.attention.layer_norm_rms_epsilon`]).toBeCloseTo(config.rmsNormEps, 12);
    expect(m[`${a}.vocab_size`]).toBe(320);
    expect(m['general.name']).toMatch(/^llamacpp-/);
  });

  it('carries the tokenizer: byte-level tokens, types, merges, special ids', () => {
    const m = f32.parsed.metadata as Record<string, unknown>;
    expect(m['tokenizer.ggml.model']).toBe('gpt2');
    expect(m['tokenizer.ggml.pre']).toBe('default');
    const tokens = m['tokenizer.ggml.tokens'] as string[];
    const types = m['tokenizer.ggml.token_type'] as number[];
    expect(tokens.length).toBe(320);
    expect(tokens.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
    expect(types.slice(0, 5)).toEqual([3, 3, 3, 3, 1]);
    // ' ' is 'Ġ' in the byte-level alphabet, '\n' is 'Ċ', 'À' (C3 80) is two byte characters
    expect(tokens[4]).toBe('Ġ');
    expect(tokens[4 + 95]).toBe('Ċ');
    expect(tokens[4 + 96]).toBe(toByteLevel('À'));
    expect(Array.from(tokens[4 + 96]).length).toBe(2);
    // one merge per two-byte character of the alphabet (all of U+00C0.. are two bytes in UTF-8)
    expect((m['tokenizer.ggml.merges'] as string[]).length).toBe(Array.from(ALPHABET).filter((c) => Buffer.byteLength(c) === 2).length);
    expect([m['tokenizer.ggml.bos_token_id'], m['tokenizer.ggml.eos_token_id'], m['tokenizer.ggml.padding_token_id'], m['tokenizer.ggml.unknown_token_id']]).toEqual([1, 2, 0, 3]);
    expect(m['tokenizer.ggml.add_bos_token']).toBe(false);
  });
});

describe('exportGguf input checks', () => {
  it('names the folder when config.json or tokenizer.json is missing, and refuses an unknown dtype', async () => {
    await expect(exportGguf({ modelDir: '/nonexistent-model-dir', out: '/tmp/x.gguf' })).rejects.toThrow(/nonexistent-model-dir\/config\.json/);
    const { dir, cleanup } = await fixtureWithTokenizer('llama-tiny');
    made.push(cleanup);
    await expect(exportGguf({ modelDir: dir, out: join(dir, 'x.gguf'), dtype: 'q4' as 'f16' })).rejects.toThrow(/dtype/);
    const { rmSync } = await import('node:fs');
    rmSync(join(dir, 'tokenizer.json'));
    await expect(exportGguf({ modelDir: dir, out: join(dir, 'x.gguf') })).rejects.toThrow(/tokenizer\.json: ENOENT/);
    expect(() => readFileSync(join(dir, 'x.gguf.partial'))).toThrow();
  });
});

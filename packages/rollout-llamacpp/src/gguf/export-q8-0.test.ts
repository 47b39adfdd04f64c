// The q8_0 export read back with @huggingface/gguf (an independent parser): ggml type 8 for
// matrices whose rows are whole 32-value blocks, f16 for the others, f32 for vectors; offsets and
// the file size from Q8_0's 34 bytes per block; and every tensor's bytes, found at its offset, are
// its encoding, the Q8_0 ones decoding to the checkpoint's weights within half a quantization step.
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gguf } from '@huggingface/gguf';
import { loadWeights, readHFConfig, type ModelConfig } from '@verl-ts/models';
import { encodeTensor } from './encode.js';
import type { GgmlType } from './gguf-writer.js';
import { exportGguf } from './export-gguf.js';
import { ggufTensorName, ggufTensorValues } from './hf-to-gguf.js';
import { dequantizeQ8_0 } from './q8-0.js';
import { fixtureWithTokenizer } from '../test-utils/fixture-model.js';

const align32 = (n: number) => Math.ceil(n / 32) * 32;
const BYTES_PER_VALUE: Record<number, number> = { 0: 4, 1: 2, 8: 34 / 32 };

// qwen2-tiny: every matrix row (64 or 160 values) is whole blocks; llama-tiny's FFN is 176 wide,
// so ffn_down's rows (176) are not and fall back to f16 as in llama.cpp's converter
describe.each(['qwen2-tiny', 'llama-tiny'] as const)('exportGguf(%s, q8_0)', (name) => {
  let dir: string;
  let cleanup: () => void;
  let file: string;
  let parsed: Awaited<ReturnType<typeof gguf>>;
  let config: ModelConfig;
  beforeAll(async () => {
    ({ dir, cleanup } = await fixtureWithTokenizer(name));
    file = (await exportGguf({ modelDir: dir, out: join(dir, 'model-q8_0.gguf'), dtype: 'q8_0' })).file;
    parsed = await gguf(file, { allowLocalFile: true });
    ({ config } = await readHFConfig(dir));
  });
  afterAll(() => cleanup?.());

  it('stores matrices as Q8_0 (type 8), rows not a multiple of 32 as f16, vectors as f32; file type 7', () => {
    const m = parsed.metadata as Record<string, unknown>;
    expect(m['general.file_type']).toBe(7);
    for (const t of parsed.tensorInfos) {
      const row = Number(t.shape[0]); // ggml order: the row (innermost) dimension first
      const want = t.n_dims === 1 ? 0 : row % 32 === 0 ? 8 : 1;
      expect(t.dtype, t.name).toBe(want);
    }
    const types = new Map(parsed.tensorInfos.map((t) => [t.name, t.dtype as number]));
    // the token embedding is quantized too (convert_hf_to_gguf keeps it f16 only for TQ1_0/TQ2_0)
    expect(types.get('token_embd.weight')).toBe(8);
    expect(types.get('blk.0.attn_q.weight')).toBe(8);
    // ffn_down's rows are the FFN width: 160 in qwen2-tiny, 176 in llama-tiny
    expect(types.get('blk.1.ffn_down.weight')).toBe(name === 'llama-tiny' ? 1 : 8);
    expect(types.get('blk.1.ffn_up.weight')).toBe(8);
    expect(types.get('output_norm.weight')).toBe(0);
  });

  it('lays tensors out by their block sizes: 34 bytes per 32 values, 32-byte aligned, file ends at the last tensor', () => {
    let expected = 0;
    for (const t of parsed.tensorInfos) {
      const values = t.shape.reduce((a, b) => a * Number(b), 1);
      expect(Number(t.offset), t.name).toBe(expected);
      expected = align32(Number(t.offset) + values * BYTES_PER_VALUE[t.dtype as number]);
    }
    expect(statSync(file).size).toBe(Number(parsed.tensorDataOffset) + expected);
  });

  it("each tensor's bytes at its offset are its encoding, and Q8_0 decodes to the checkpoint within half a step", async () => {
    const infos = new Map(parsed.tensorInfos.map((t) => [t.name, t]));
    const typeName: Record<number, GgmlType> = { 0: 'F32', 1: 'F16', 8: 'Q8_0' };
    const fd = openSync(file, 'r');
    let checked = 0;
    try {
      await loadWeights(dir, config, (spec, source) => {
        const name = ggufTensorName(spec.name);
        const t = infos.get(name)!;
        const want = ggufTensorValues(spec.name, source, config);
        const bytes = Buffer.alloc(Math.round(want.length * BYTES_PER_VALUE[t.dtype as number]));
        readSync(fd, bytes, 0, bytes.length, Number(parsed.tensorDataOffset + t.offset));
        expect(bytes.equals(encodeTensor(want, typeName[t.dtype as number])), name).toBe(true);
        if (t.dtype !== 8) return void checked++;
        const got = dequantizeQ8_0(bytes);
        for (let b = 0; b < want.length / 32; b++) {
          const block = want.subarray(b * 32, b * 32 + 32);
          // d/2 from rounding q, plus f16(d)'s rounding times |q| <= 127
          const d = block.reduce((a, x) => Math.max(a, Math.abs(x)), 0) / 127;
          const tol = d / 2 + 127 * Math.max(d * 2 ** -11, 2 ** -25) + 1e-9;
          for (let j = 0; j < 32; j++) {
            if (!(Math.abs(got[b * 32 + j] - block[j]) <= tol)) throw new Error(`${name}[${b * 32 + j}]: ${got[b * 32 + j]} vs ${block[j]} (tolerance ${tol})`);
          }
        }
        checked++;
      });
    } finally {
      closeSync(fd);
    }
    expect(checked).toBe(parsed.tensorInfos.length);
  });
});

import * as tf from '@tensorflow/tfjs';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, readSafetensorsHeader, writeSafetensors } from './index.js';
import { decodeToF32, encodeFromF32, f16ToF32, f32ToF16 } from './safetensors.js';
import { fixtureDir, loadReference, maskedMaxAbs } from './test-utils/reference.js';

const tmp = mkdtempSync(join(tmpdir(), 'verl-models-st-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
});

describe('dtype conversion', () => {
  it('float16 bit patterns (IEEE 754 binary16)', () => {
    const cases: [number, number][] = [
      [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [0.1, 0x2e66],
      [1 / 3, 0x3555], [Infinity, 0x7c00], [1e6, 0x7c00], [0, 0], [-0, 0x8000],
    ];
    for (const [x, bits] of cases) expect(f32ToF16(x)).toBe(bits);
    for (const [x, bits] of cases.filter(([v]) => Math.abs(v) <= 65504)) expect(f16ToF32(bits)).toBeCloseTo(x, Math.abs(x) < 1e-3 ? 10 : 3);
    expect(Number.isNaN(f16ToF32(f32ToF16(NaN)))).toBe(true);
    // ties round to even: 1 + 2^-11 sits halfway between 1 and 1 + 2^-10
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('bfloat16 keeps the top 16 bits with round-to-nearest-even', () => {
    const vals = new Float32Array([1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.140625, -0.5]);
    const bytes = encodeFromF32(vals, 'BF16');
    const back = decodeToF32(bytes, 'BF16');
    expect(Array.from(back)).toEqual([1, 1, 1 + 2 ** -6, 3.140625, -0.5]);
    const u16 = new Uint16Array(bytes.buffer);
    expect(u16[0]).toBe(0x3f80);
  });
});

describe('float16 checkpoints', () => {
  it('a float16 copy of qwen2-tiny loads, stays close to the float32 reference, and saves back as F16 bit for bit', async () => {
    const src = await readSafetensorsHeader(join(fixtureDir('qwen2-tiny'), 'model.safetensors'));
    const raw = readFileSync(join(fixtureDir('qwen2-tiny'), 'model.safetensors'));
    const dir = join(tmp, 'f16');
    mkdirSync(dir, { recursive: true });
    await writeSafetensors(
      join(dir, 'model.safetensors'),
      [...src.tensors.values()].map((e) => ({
        name: e.name,
        dtype: 'F16' as const,
        shape: e.shape,
        values: () => decodeToF32(raw.subarray(e.start, e.start + e.byteLength), 'F32'),
      })),
    );
    copyFileSync(join(fixtureDir('qwen2-tiny'), 'config.json'), join(dir, 'config.json'));
    const ref = loadReference('qwen2-tiny');
    const m = await loadCausalLM(dir);
    const out = m.forward({ inputIds: ref.input_ids, attentionMask: ref.attention_mask });
    const l = await out.logits.data();
    tf.dispose([out.logits, out.hidden]);
    // f16 has 11 significant bits: the logits move by ~1e-3, far more than the 1e-4 bound yet far less than their spread
    const err = maskedMaxAbs(l, ref.logits, ref.attention_mask, 320);
    expect(err).toBeGreaterThan(1e-6);
    expect(err).toBeLessThan(2e-2);
    const again = join(tmp, 'f16-again');
    await m.save(again);
    m.dispose();
    const a = await readSafetensorsHeader(join(dir, 'model.safetensors'));
    const b = await readSafetensorsHeader(join(again, 'model.safetensors'));
    const fa = readFileSync(join(dir, 'model.safetensors'));
    const fb = readFileSync(join(again, 'model.safetensors'));
    expect([...b.tensors.keys()].sort()).toEqual([...a.tensors.keys()].sort());
    for (const [name, ea] of a.tensors) {
      const eb = b.tensors.get(name)!;
      expect(eb.dtype).toBe('F16');
      expect(fb.subarray(eb.start, eb.start + eb.byteLength).equals(fa.subarray(ea.start, ea.start + ea.byteLength))).toBe(true);
    }
  });
});

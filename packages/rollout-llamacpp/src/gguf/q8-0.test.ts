// Q8_0 encoder bytes against hand-worked blocks (ggml's block_q8_0: f16 d, then 32 int8 q), and
// the round trip within half a quantization step.
import { describe, expect, it } from 'vitest';
import { Rng } from '@verl-ts/rollout';
import { dequantizeQ8_0, quantizeQ8_0, Q8_0_BLOCK_BYTES, QK8_0, roundHalfAwayFromZero } from './q8-0.js';

/** The block's f16 scale (read through a DataView: independent of the encoder's byte handling) and quants. */
function readBlock(bytes: Uint8Array, b = 0): { dBits: number; q: number[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + b * Q8_0_BLOCK_BYTES, Q8_0_BLOCK_BYTES);
  return { dBits: dv.getUint16(0, true), q: Array.from({ length: QK8_0 }, (_, j) => dv.getInt8(2 + j)) };
}

describe('Q8_0 encoder', () => {
  it('a block whose max is 127: d = 1 (f16 0x3c00), q = x', () => {
    const x = Float32Array.from({ length: 32 }, (_, j) => j * 4 - 64); // -64 .. 60
    x[5] = 127;
    x[6] = -3;
    const bytes = quantizeQ8_0(x);
    expect(bytes.length).toBe(34);
    const { dBits, q } = readBlock(bytes);
    expect(dBits).toBe(0x3c00);
    expect(q).toEqual(Array.from(x));
  });

  it('negative values and a negative max: d from |x|, signs kept', () => {
    const x = new Float32Array(32).fill(0);
    x[0] = -2.54; // amax: d = 0.02
    x[1] = 1.27; // 63.5 -> 64 (half away from zero)
    x[2] = -1.27; // -63.5 -> -64
    x[3] = -0.01; // -0.5 -> -1
    x[4] = 0.0099; // 0.495 -> 0
    const { dBits, q } = readBlock(quantizeQ8_0(x));
    // f16 of 0.02: 0x251f (0.0200042724609375, nearest of the two neighbours)
    expect(dBits).toBe(0x251f);
    expect(q.slice(0, 6)).toEqual([-127, 64, -64, -1, 0, 0]);
  });

  it('halves round away from zero (C roundf), not to even and not toward +infinity', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -126.5].map(roundHalfAwayFromZero)).toEqual([1, 2, 3, -1, -2, -3, 0, -127]);
    // in a block: amax 127 makes d = 1 exactly, so x * (1/d) = x and the quants are roundf(x)
    const x = new Float32Array(32);
    x.set([127, 0.5, -0.5, 2.5, -2.5, 3.5, -3.5, 126.5, -126.5]);
    const { q } = readBlock(quantizeQ8_0(x));
    expect(q.slice(0, 9)).toEqual([127, 1, -1, 3, -3, 4, -4, 127, -127]);
  });

  it('an all-zero block: d = 0 and every q = 0 (no division by zero)', () => {
    const bytes = quantizeQ8_0(new Float32Array(64).fill(0).map((_, i) => (i < 32 ? 0 : 1)));
    expect(readBlock(bytes, 0)).toEqual({ dBits: 0, q: new Array(32).fill(0) });
    // the next block is independent: all ones, d = 1/127, q = 127
    expect(readBlock(bytes, 1).q).toEqual(new Array(32).fill(127));
    expect(Array.from(dequantizeQ8_0(bytes).subarray(0, 32))).toEqual(new Array(32).fill(0));
  });

  it('dequantised values are within d/2 of the input (plus the f16 rounding of d)', () => {
    const rng = new Rng(7);
    // blocks of very different magnitudes, as rows of a weight matrix have
    const x = Float32Array.from({ length: 32 * 64 }, (_, i) => (rng.nextFloat() * 2 - 1) * 10 ** ((i >> 5) % 7 - 4));
    const bytes = quantizeQ8_0(x);
    expect(bytes.length).toBe(64 * 34);
    const y = dequantizeQ8_0(bytes);
    for (let b = 0; b < 64; b++) {
      const block = x.subarray(b * 32, b * 32 + 32);
      const d = Math.max(...Array.from(block, Math.abs)) / 127;
      for (let j = 0; j < 32; j++) {
        const i = b * 32 + j;
        // q = roundf(x / d) is off by at most 1/2 step, and reading back with f16(d) instead of d
        // adds |q| * |f16(d) - d|: at most 127 * d * 2^-11 for a normal f16 d, 127 * 2^-25 once d
        // is below f16's smallest normal 2^-14 (blocks with max |x| under ~8e-3 lose relative
        // precision there, as in ggml)
        const scaleError = Math.max(d * 2 ** -11, 2 ** -25);
        expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(d / 2 + 127 * scaleError + 1e-12);
        if (d >= 2 ** -14) expect(Math.abs(y[i] - x[i])).toBeLessThanOrEqual(d * 0.5 + 127 * d * 2 ** -11);
      }
    }
  });

  it('refuses a length that is not whole blocks', () => {
    expect(() => quantizeQ8_0(new Float32Array(33))).toThrow(/multiple of 32/);
    expect(() => dequantizeQ8_0(new Uint8Array(35))).toThrow(/34-byte blocks/);
  });
});

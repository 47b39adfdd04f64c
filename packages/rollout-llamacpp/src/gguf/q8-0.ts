// ggml's Q8_0 block quantization (GGML_TYPE_Q8_0 = 8), the type llama.cpp users run small models
// as. Layout (ggml-common.h `block_q8_0`): each run of QK8_0 = 32 consecutive values of a row
// becomes 34 bytes, an f16 scale d (little-endian) then 32 int8 quants; a value reads back as
// d * q. The rounding follows ggml's reference quantizer (ggml-quants.c quantize_row_q8_0_ref,
// mirrored by gguf-py's quants.Q8_0), so the bytes are the ones llama.cpp's converter writes:
//   amax = max |x|,  d = amax / 127,  id = d ? 1 / d : 0,  q = roundf(x * id)
// all in float32 (hence Math.fround), with roundf rounding halves away from zero, and the f16
// scale rounded to nearest even from the float32 d (q is computed with the unrounded d).
import { f16BitsFromF32Bits, f16ToF32 } from '@verl-ts/models';

/** Values per Q8_0 block. */
export const QK8_0 = 32;
/** Bytes per Q8_0 block: an f16 scale and 32 int8 quants. */
export const Q8_0_BLOCK_BYTES = 2 + QK8_0;

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/** C's roundf: to the nearest integer, halves away from zero (Math.round sends -2.5 to -2). */
export function roundHalfAwayFromZero(x: number): number {
  // |x| + 0.5 is exact in float64 for any float32 |x|, so floor() sees no double rounding
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/**
 * Float32 values (a whole number of blocks, rows laid end to end) -> Q8_0 bytes.
 * Throws if the length is not a multiple of 32: ggml quantizes along rows only.
 */
export function quantizeQ8_0(values: Float32Array): Uint8Array {
  if (values.length % QK8_0 !== 0) throw new RangeError(`Q8_0 needs a multiple of ${QK8_0} values, got ${values.length}`);
  const blocks = values.length / QK8_0;
  const out = new Uint8Array(blocks * Q8_0_BLOCK_BYTES);
  const q = new Int8Array(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const src = b * QK8_0;
    let amax = 0;
    for (let j = 0; j < QK8_0; j++) {
      const a = Math.abs(values[src + j]);
      if (a > amax) amax = a;
    }
    const d = Math.fround(amax / 127);
    const id = d !== 0 ? Math.fround(1 / d) : 0;
    f32[0] = d;
    const h = f16BitsFromF32Bits(f32Bits[0]);
    const dst = b * Q8_0_BLOCK_BYTES;
    out[dst] = h & 0xff;
    out[dst + 1] = h >>> 8;
    // |x * id| <= 127 up to float32 round-off, so the quant always fits an int8
    for (let j = 0; j < QK8_0; j++) q[dst + 2 + j] = roundHalfAwayFromZero(Math.fround(values[src + j] * id));
  }
  return out;
}

/** Q8_0 bytes -> float32 values (d * q per value), as ggml's dequantize_row_q8_0. For tests and checks. */
export function dequantizeQ8_0(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % Q8_0_BLOCK_BYTES !== 0) throw new RangeError(`Q8_0 data must be whole ${Q8_0_BLOCK_BYTES}-byte blocks, got ${bytes.byteLength} bytes`);
  const blocks = bytes.byteLength / Q8_0_BLOCK_BYTES;
  const out = new Float32Array(blocks * QK8_0);
  const q = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; b++) {
    const src = b * Q8_0_BLOCK_BYTES;
    const d = f16ToF32(bytes[src] | (bytes[src + 1] << 8));
    for (let j = 0; j < QK8_0; j++) out[b * QK8_0 + j] = d * q[src + 2 + j];
  }
  return out;
}

// float32 values -> the little-endian bytes of a GGUF tensor. Written for speed (a 0.5B model is
// 494M values): typed-array views instead of a DataView or a temporary array per value.
import type { GgmlType } from './gguf-writer.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** float32 -> float16 bits, round to nearest even (as torch's .half() and ggml's converter). */
function f16Bits(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  let mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half (or zero)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && r & 1)) r++;
    return sign | r;
  }
  let r = mant >> 13;
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && r & 1)) {
    r++;
    if (r === 0x400) {
      r = 0;
      e++;
      if (e >= 31) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | r;
}

export function encodeTensor(values: Float32Array, type: GgmlType): Uint8Array {
  if (type === 'F32') {
    if (LITTLE_ENDIAN) return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    const out = new Uint8Array(values.length * 4);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
    return out;
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint8Array(values.length * 2);
  if (LITTLE_ENDIAN) {
    const u16 = new Uint16Array(out.buffer);
    for (let i = 0; i < bits.length; i++) u16[i] = f16Bits(bits[i]);
  } else {
    const dv = new DataView(out.buffer);
    for (let i = 0; i < bits.length; i++) dv.setUint16(i * 2, f16Bits(bits[i]), true);
  }
  return out;
}

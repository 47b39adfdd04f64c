// float32 values -> the little-endian bytes of a GGUF tensor. Written for speed (a 0.5B model is
// 494M values): typed-array views instead of a DataView or a temporary array per value.
import { f16BitsFromF32Bits } from '@verl-ts/models';
import type { GgmlType } from './gguf-writer.js';
import { quantizeQ8_0 } from './q8-0.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeTensor(values: Float32Array, type: GgmlType): Uint8Array {
  if (type === 'Q8_0') return quantizeQ8_0(values);
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
    for (let i = 0; i < bits.length; i++) u16[i] = f16BitsFromF32Bits(bits[i]);
  } else {
    const dv = new DataView(out.buffer);
    for (let i = 0; i < bits.length; i++) dv.setUint16(i * 2, f16BitsFromF32Bits(bits[i]), true);
  }
  return out;
}

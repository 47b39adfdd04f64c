// The safetensors format (https://github.com/huggingface/safetensors#format):
// 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}},
// then the raw little-endian tensor bytes (offsets relative to the end of the header).
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export type SafetensorsDtype = 'F32' | 'BF16' | 'F16';
const BYTES: Record<SafetensorsDtype, number> = { F32: 4, BF16: 2, F16: 2 };

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** absolute byte offset of the data in the file */
  start: number;
  byteLength: number;
}

export interface SafetensorsHeader {
  file: string;
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

const MAX_HEADER = 100 * 1024 * 1024;

/** Reads the header of a safetensors file without reading the tensor data. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new Error(`cannot open ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const { size } = await fh.stat();
    if (size < 8) throw new Error(`${file}: not a safetensors file (only ${size} bytes)`);
    const lenBuf = Buffer.alloc(8);
    await fh.read(lenBuf, 0, 8, 0);
    const n = Number(lenBuf.readBigUInt64LE(0));
    if (n <= 0 || n > MAX_HEADER || 8 + n > size) throw new Error(`${file}: corrupt safetensors header (length ${n}, file ${size} bytes)`);
    const hdrBuf = Buffer.alloc(n);
    await fh.read(hdrBuf, 0, n, 8);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(hdrBuf.toString('utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}: corrupt safetensors header (invalid JSON: ${(e as Error).message})`);
    }
    const dataStart = 8 + n;
    const tensors = new Map<string, TensorEntry>();
    let metadata: Record<string, string> = {};
    for (const [name, v] of Object.entries(json)) {
      if (name === '__metadata__') {
        metadata = (v ?? {}) as Record<string, string>;
        continue;
      }
      const e = v as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
      if (!e || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets)) throw new Error(`${file}: corrupt entry for tensor '${name}'`);
      if (!(e.dtype! in BYTES)) throw new Error(`${file}: tensor '${name}' has unsupported dtype ${e.dtype} (supported: F32, BF16, F16)`);
      const dtype = e.dtype as SafetensorsDtype;
      const [b, end] = e.data_offsets;
      const count = e.shape.reduce((a, c) => a * c, 1);
      if (end - b !== count * BYTES[dtype] || dataStart + end > size || b < 0) {
        throw new Error(`${file}: tensor '${name}' data offsets [${b}, ${end}] do not match shape [${e.shape}] ${dtype} or the file size ${size} (truncated file?)`);
      }
      tensors.set(name, { name, dtype, shape: e.shape, start: dataStart + b, byteLength: end - b });
    }
    return { file, tensors, metadata };
  } finally {
    await fh.close();
  }
}

/** Reads one tensor's data and widens it to float32 (bf16 and f16 convert exactly). */
export async function readTensorF32(fh: FileHandle, entry: TensorEntry): Promise<Float32Array> {
  const buf = Buffer.alloc(entry.byteLength);
  const { bytesRead } = await fh.read(buf, 0, entry.byteLength, entry.start);
  if (bytesRead !== entry.byteLength) throw new Error(`tensor '${entry.name}': short read (${bytesRead} of ${entry.byteLength} bytes)`);
  return decodeToF32(buf, entry.dtype);
}

export function decodeToF32(buf: Uint8Array, dtype: SafetensorsDtype): Float32Array {
  const n = buf.byteLength / BYTES[dtype];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float32Array(n);
  if (dtype === 'F32') {
    for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  } else if (dtype === 'BF16') {
    // bf16 is the top half of an f32
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u32[i] = dv.getUint16(i * 2, true) << 16;
  } else {
    for (let i = 0; i < n; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
  }
  return out;
}

export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** float32 -> float16 bits, round to nearest even (as torch's .half()). */
export function f32ToF16(x: number): number {
  const f = new Float32Array([x]);
  return f16BitsFromF32Bits(new Uint32Array(f.buffer)[0]);
}

/** The float16 bits of the float32 whose bits are `u`, round to nearest even (NaN stays NaN). */
export function f16BitsFromF32Bits(u: number): number {
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

/** Encodes float32 values as little-endian bytes of the given dtype (bf16: round to nearest even, NaN kept). */
export function encodeFromF32(values: Float32Array, dtype: SafetensorsDtype): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * BYTES[dtype]);
  const dv = new DataView(out.buffer);
  if (dtype === 'F32') {
    for (let i = 0; i < n; i++) dv.setFloat32(i * 4, values[i], true);
  } else if (dtype === 'BF16') {
    const u32 = new Uint32Array(values.buffer, values.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const u = u32[i];
      const isNaN = (u & 0x7f800000) === 0x7f800000 && (u & 0x7fffff) !== 0;
      const r = isNaN ? (u >>> 16) | 0x40 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16;
      dv.setUint16(i * 2, r & 0xffff, true);
    }
  } else {
    const u32 = new Uint32Array(values.buffer, values.byteOffset, n);
    for (let i = 0; i < n; i++) dv.setUint16(i * 2, f16BitsFromF32Bits(u32[i]), true);
  }
  return out;
}

export interface TensorToWrite {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** produces the float32 values when the writer reaches this tensor (keeps memory to one tensor at a time) */
  values: () => Float32Array | Promise<Float32Array>;
}

export function tensorByteLength(t: { dtype: SafetensorsDtype; shape: number[] }): number {
  return t.shape.reduce((a, c) => a * c, 1) * BYTES[t.dtype];
}

/** Writes a safetensors file atomically: to a temporary file in the same folder, then renamed over `file`. */
export async function writeSafetensors(file: string, tensors: TensorToWrite[], metadata: Record<string, string> = { format: 'pt' }): Promise<void> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const len = tensorByteLength(t);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let hdr = Buffer.from(JSON.stringify(header), 'utf8');
  // pad the header with spaces so the data starts 8-byte aligned, as the reference writer does
  const pad = (8 - (hdr.length % 8)) % 8;
  if (pad) hdr = Buffer.concat([hdr, Buffer.alloc(pad, 0x20)]);
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${Date.now()}`);
  const fh = await open(tmp, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(hdr.length));
    await fh.write(len);
    await fh.write(hdr);
    for (const t of tensors) {
      const vals = await t.values();
      const expected = t.shape.reduce((a, c) => a * c, 1);
      if (vals.length !== expected) throw new Error(`tensor '${t.name}': ${vals.length} values for shape [${t.shape}]`);
      await fh.write(encodeFromF32(vals, t.dtype));
    }
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
}

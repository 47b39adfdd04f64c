// GGUF v3 (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md), little-endian:
//   magic "GGUF", u32 version, u64 tensor count, u64 metadata count,
//   metadata: gguf-string key, u32 value type, value (arrays: u32 element type, u64 length, elements),
//   tensor infos: gguf-string name, u32 n_dims, u64 dims (innermost first: an HF [out, in] matrix is
//   written as [in, out] with unchanged row-major bytes), u32 ggml type, u64 offset into the data section,
//   then zero padding to `general.alignment` and the tensor data, each tensor starting on an aligned offset.
// The data is streamed tensor by tensor, so a model never has to fit in memory twice.
import { open, rename, rm } from 'node:fs/promises';

export const GGUF_VERSION = 3;
export const GGUF_ALIGNMENT = 32;

/** GGUF metadata value types. */
export enum GgufValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** The ggml tensor types this writer produces. */
export type GgmlType = 'F32' | 'F16' | 'Q8_0';
/** ggml's type ids (ggml.h enum ggml_type). */
export const GGML_TYPE_ID: Record<GgmlType, number> = { F32: 0, F16: 1, Q8_0: 8 };
/**
 * Storage per type as ggml's type traits give it: values per block and bytes per block (plain
 * types are blocks of one). A block never spans two rows, so a row's length must be a multiple
 * of the block size; Q8_0: 32 values in 34 bytes (see q8-0.ts).
 */
const GGML_BLOCK: Record<GgmlType, { size: number; bytes: number }> = {
  F32: { size: 1, bytes: 4 },
  F16: { size: 1, bytes: 2 },
  Q8_0: { size: 32, bytes: 34 },
};

/** A typed metadata value: numbers need a declared width, strings and booleans do not. */
export type GgufValue =
  | { type: 'u32' | 'i32' | 'f32' | 'u64'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: string[] }
  | { type: 'i32[]' | 'f32[]'; value: ArrayLike<number> };

export interface GgufTensorInfo {
  name: string;
  /** numpy / HF order (outermost first); written reversed, as ggml counts dims */
  shape: number[];
  type: GgmlType;
}

/** Hands tensor data to the writer: row-major bytes in the tensor's type, in any order. */
export type PutTensor = (name: string, bytes: Uint8Array) => void;

/** Whether rows of this length can be stored in `type` (block types need whole blocks per row). */
export function fitsBlocks(shape: number[], type: GgmlType): boolean {
  const row = shape.length ? shape[shape.length - 1] : 1;
  return row % GGML_BLOCK[type].size === 0;
}

/** Bytes of a tensor's data: whole blocks of its type along each row (the innermost dimension). */
export function tensorBytes(t: Pick<GgufTensorInfo, 'shape' | 'type'>): number {
  const { size, bytes } = GGML_BLOCK[t.type];
  if (!fitsBlocks(t.shape, t.type)) throw new RangeError(`GGUF: a ${t.type} row holds whole blocks of ${size} values; [${t.shape.join(', ')}] does not`);
  return (t.shape.reduce((a, b) => a * b, 1) / size) * bytes;
}

const align = (n: number, a = GGUF_ALIGNMENT) => Math.ceil(n / a) * a;

/** Accumulates little-endian bytes in growing chunks. */
class ByteSink {
  private chunks: Buffer[] = [];
  private cur = Buffer.alloc(1 << 16);
  private pos = 0;
  length = 0;
  private ensure(n: number) {
    if (this.pos + n <= this.cur.length) return;
    this.chunks.push(this.cur.subarray(0, this.pos));
    this.cur = Buffer.alloc(Math.max(1 << 16, n));
    this.pos = 0;
  }
  u32(v: number) { this.ensure(4); this.cur.writeUInt32LE(v >>> 0, this.pos); this.pos += 4; this.length += 4; }
  i32(v: number) { this.ensure(4); this.cur.writeInt32LE(v | 0, this.pos); this.pos += 4; this.length += 4; }
  f32(v: number) { this.ensure(4); this.cur.writeFloatLE(v, this.pos); this.pos += 4; this.length += 4; }
  u64(v: number) { this.ensure(8); this.cur.writeBigUInt64LE(BigInt(v), this.pos); this.pos += 8; this.length += 8; }
  u8(v: number) { this.ensure(1); this.cur.writeUInt8(v, this.pos); this.pos += 1; this.length += 1; }
  str(s: string) {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.ensure(b.length);
    b.copy(this.cur, this.pos);
    this.pos += b.length;
    this.length += b.length;
  }
  zeros(n: number) { this.ensure(n); this.cur.fill(0, this.pos, this.pos + n); this.pos += n; this.length += n; }
  toBuffer(): Buffer { return Buffer.concat([...this.chunks, this.cur.subarray(0, this.pos)]); }
}

function writeValue(sink: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'u32': sink.u32(GgufValueType.UINT32); sink.u32(v.value); return;
    case 'i32': sink.u32(GgufValueType.INT32); sink.i32(v.value); return;
    case 'f32': sink.u32(GgufValueType.FLOAT32); sink.f32(v.value); return;
    case 'u64': sink.u32(GgufValueType.UINT64); sink.u64(v.value); return;
    case 'bool': sink.u32(GgufValueType.BOOL); sink.u8(v.value ? 1 : 0); return;
    case 'string': sink.u32(GgufValueType.STRING); sink.str(v.value); return;
    case 'string[]':
      sink.u32(GgufValueType.ARRAY); sink.u32(GgufValueType.STRING); sink.u64(v.value.length);
      for (const s of v.value) sink.str(s);
      return;
    case 'i32[]':
      sink.u32(GgufValueType.ARRAY); sink.u32(GgufValueType.INT32); sink.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) sink.i32(v.value[i]);
      return;
    case 'f32[]':
      sink.u32(GgufValueType.ARRAY); sink.u32(GgufValueType.FLOAT32); sink.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) sink.f32(v.value[i]);
      return;
  }
}

/** The header (metadata + tensor infos + padding) and each tensor's offset in the data section. */
export function encodeGgufHeader(metadata: Map<string, GgufValue>, tensors: GgufTensorInfo[]): { header: Buffer; offsets: number[] } {
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new Error(`GGUF: duplicate tensor name '${t.name}'`);
    names.add(t.name);
  }
  const sink = new ByteSink();
  sink.u32(0x46554747); // "GGUF" read as a little-endian u32
  sink.u32(GGUF_VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.size);
  for (const [key, v] of metadata) {
    sink.str(key);
    writeValue(sink, v);
  }
  const offsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    sink.str(t.name);
    sink.u32(t.shape.length);
    for (const d of [...t.shape].reverse()) sink.u64(d);
    sink.u32(GGML_TYPE_ID[t.type]);
    sink.u64(offset);
    offsets.push(offset);
    offset = align(offset + tensorBytes(t));
  }
  sink.zeros(align(sink.length) - sink.length);
  return { header: sink.toBuffer(), offsets };
}

/**
 * Writes a GGUF file: the header first, then every tensor as `produce` puts it (each write goes to
 * the tensor's own offset, so `produce` may stream tensors one at a time from a checkpoint). The
 * file is written as `file`.partial and renamed once every tensor is in. Returns its size in bytes.
 */
export async function writeGguf(
  file: string,
  metadata: Map<string, GgufValue>,
  tensors: GgufTensorInfo[],
  produce: (put: PutTensor) => Promise<void>,
): Promise<number> {
  const { header, offsets } = encodeGgufHeader(metadata, tensors);
  const indexOf = new Map(tensors.map((t, i) => [t.name, i]));
  const written = new Set<string>();
  const tmp = `${file}.partial`;
  const fh = await open(tmp, 'w');
  const pending: Promise<unknown>[] = [];
  // the data section ends at the last tensor's aligned end: llama.cpp checks each tensor lies inside the file
  const last = tensors.length - 1;
  const size = header.length + (last >= 0 ? align(offsets[last] + tensorBytes(tensors[last])) : 0);
  try {
    await fh.write(header, 0, header.length, 0);
    await fh.truncate(size);
    await produce((name, bytes) => {
      const i = indexOf.get(name);
      if (i === undefined) throw new Error(`GGUF: tensor '${name}' is not in the header`);
      if (written.has(name)) throw new Error(`GGUF: tensor '${name}' written twice`);
      const t = tensors[i];
      if (bytes.byteLength !== tensorBytes(t)) {
        throw new Error(`GGUF: tensor '${name}' has ${bytes.byteLength} bytes, expected ${tensorBytes(t)} for ${t.type} [${t.shape.join(', ')}]`);
      }
      written.add(name);
      pending.push(fh.write(bytes, 0, bytes.byteLength, header.length + offsets[i]));
    });
    await Promise.all(pending);
    const missing = tensors.filter((t) => !written.has(t.name)).map((t) => t.name);
    if (missing.length) throw new Error(`GGUF: no data for tensor(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}`);
    await fh.sync();
  } catch (e) {
    await Promise.allSettled(pending);
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, file);
  return size;
}

// HF checkpoint folder -> one GGUF file llama.cpp loads: hyper-parameters, tokenizer, and every
// weight (streamed one tensor at a time from the safetensors files).
import { basename, resolve } from 'node:path';
import { loadWeights, readHFConfig, weightSpecs } from '@verl-ts/models';
import { encodeTensor } from './encode.js';
import { writeGguf, type GgmlType, type GgufTensorInfo } from './gguf-writer.js';
import { ggufTensorName, ggufTensorType, ggufTensorValues, llama3RopeFactors, modelMetadata } from './hf-to-gguf.js';
import { tokenizerMetadata } from './tokenizer-metadata.js';

/** What `dtype` asks for: the ggml type of the weight matrices. */
const MATRIX_TYPE = { f32: 'F32', f16: 'F16', q8_0: 'Q8_0' } as const satisfies Record<string, GgmlType>;
export type GgufDtype = keyof typeof MATRIX_TYPE;
export const GGUF_DTYPES = Object.keys(MATRIX_TYPE) as GgufDtype[];

export interface ExportGgufOptions {
  /** HF checkpoint folder: config.json, model.safetensors (or sharded), tokenizer.json */
  modelDir: string;
  /** the GGUF file to write */
  out: string;
  /**
   * Storage type of the weight matrices (vectors stay f32). Default 'f32'. 'q8_0': ggml's Q8_0
   * blocks (an f16 scale per 32 values, int8 quants; ~8.5 bits per weight), matrices whose rows
   * are not a multiple of 32 in f16, as llama.cpp's converter writes `--outtype q8_0`.
   */
  dtype?: GgufDtype;
  /** general.name; default the folder's name */
  name?: string;
}

export interface ExportGgufResult {
  file: string;
  bytes: number;
  tensors: number;
  architecture: string;
}

export async function exportGguf(opts: ExportGgufOptions): Promise<ExportGgufResult> {
  const dtype = opts.dtype ?? 'f32';
  if (!Object.hasOwn(MATRIX_TYPE, dtype)) throw new RangeError(`dtype must be one of ${GGUF_DTYPES.map((d) => `'${d}'`).join(', ')}, got ${String(dtype)}`);
  const type: GgmlType = MATRIX_TYPE[dtype];
  const dir = resolve(opts.modelDir);
  const { config } = await readHFConfig(dir);
  const metadata = modelMetadata(config, opts.name ?? basename(dir), type);
  const tok = await tokenizerMetadata(dir, config);
  for (const [k, v] of tok.metadata) metadata.set(k, v);

  const specs = weightSpecs(config);
  const infos: GgufTensorInfo[] = specs.map((s) => ({ name: ggufTensorName(s.name), shape: s.shape, type: ggufTensorType(s.shape, type) }));
  const ropeFactors = llama3RopeFactors(config);
  if (ropeFactors) infos.push({ name: 'rope_freqs.weight', shape: [ropeFactors.length], type: 'F32' });
  const typeOf = new Map(infos.map((t) => [t.name, t.type]));

  const bytes = await writeGguf(resolve(opts.out), metadata, infos, async (put) => {
    await loadWeights(dir, config, (spec, values) => {
      const name = ggufTensorName(spec.name);
      put(name, encodeTensor(ggufTensorValues(spec.name, values, config), typeOf.get(name)!));
    });
    if (ropeFactors) put('rope_freqs.weight', encodeTensor(ropeFactors, 'F32'));
  });
  return { file: resolve(opts.out), bytes, tensors: infos.length, architecture: String((metadata.get('general.architecture') as { value: string }).value) };
}

// HF checkpoint folder -> one GGUF file llama.cpp loads: hyper-parameters, tokenizer, and every
// weight (streamed one tensor at a time from the safetensors files).
import { basename, resolve } from 'node:path';
import { loadWeights, readHFConfig, weightSpecs } from '@verl-ts/models';
import { encodeTensor } from './encode.js';
import { writeGguf, type GgmlType, type GgufTensorInfo } from './gguf-writer.js';
import { ggufTensorName, ggufTensorType, ggufTensorValues, llama3RopeFactors, modelMetadata } from './hf-to-gguf.js';
import { tokenizerMetadata } from './tokenizer-metadata.js';

export interface ExportGgufOptions {
  /** HF checkpoint folder: config.json, model.safetensors (or sharded), tokenizer.json */
  modelDir: string;
  /** the GGUF file to write */
  out: string;
  /** storage type of the weight matrices (vectors stay f32). Default 'f32'. */
  dtype?: 'f32' | 'f16';
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
  if (dtype !== 'f32' && dtype !== 'f16') throw new RangeError(`dtype must be 'f32' or 'f16', got ${String(dtype)}`);
  const type: GgmlType = dtype === 'f16' ? 'F16' : 'F32';
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

// HF tensor names and shapes of a decoder, and loading/saving them as safetensors (single file or sharded).
import { open, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from './atomic-write.js';
import type { ModelConfig } from './config.js';
import {
  readSafetensorsHeader,
  readTensorF32,
  tensorByteLength,
  writeSafetensors,
  type SafetensorsDtype,
  type TensorEntry,
  type TensorToWrite,
} from './safetensors.js';

export interface WeightSpec {
  name: string;
  shape: number[];
}

/** Every parameter of the model in a stable order (embeddings, layers 0..L-1, final norm, lm_head), HF names. */
export function weightSpecs(c: ModelConfig): WeightSpec[] {
  const d = c.hiddenSize;
  const qDim = c.numHeads * c.headDim;
  const kvDim = c.numKvHeads * c.headDim;
  const specs: WeightSpec[] = [{ name: 'model.embed_tokens.weight', shape: [c.vocabSize, d] }];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    specs.push({ name: `${p}.input_layernorm.weight`, shape: [d] });
    specs.push({ name: `${p}.self_attn.q_proj.weight`, shape: [qDim, d] });
    if (c.attentionBias) specs.push({ name: `${p}.self_attn.q_proj.bias`, shape: [qDim] });
    specs.push({ name: `${p}.self_attn.k_proj.weight`, shape: [kvDim, d] });
    if (c.attentionBias) specs.push({ name: `${p}.self_attn.k_proj.bias`, shape: [kvDim] });
    specs.push({ name: `${p}.self_attn.v_proj.weight`, shape: [kvDim, d] });
    if (c.attentionBias) specs.push({ name: `${p}.self_attn.v_proj.bias`, shape: [kvDim] });
    specs.push({ name: `${p}.self_attn.o_proj.weight`, shape: [d, qDim] });
    if (c.outputBias) specs.push({ name: `${p}.self_attn.o_proj.bias`, shape: [d] });
    specs.push({ name: `${p}.post_attention_layernorm.weight`, shape: [d] });
    for (const [proj, shape] of [
      ['gate_proj', [c.intermediateSize, d]],
      ['up_proj', [c.intermediateSize, d]],
      ['down_proj', [d, c.intermediateSize]],
    ] as const) {
      specs.push({ name: `${p}.mlp.${proj}.weight`, shape: [...shape] });
      if (c.mlpBias) specs.push({ name: `${p}.mlp.${proj}.bias`, shape: [shape[0]] });
    }
  }
  specs.push({ name: 'model.norm.weight', shape: [d] });
  if (!c.tieWordEmbeddings) specs.push({ name: 'lm_head.weight', shape: [c.vocabSize, d] });
  return specs;
}

/** Tensors a checkpoint may carry that the model does not use (old RoPE buffers, a tied lm_head copy). */
function isIgnorable(name: string, c: ModelConfig): boolean {
  return name.endsWith('rotary_emb.inv_freq') || (c.tieWordEmbeddings && name === 'lm_head.weight');
}

export interface LoadedWeights {
  dtypes: Map<string, SafetensorsDtype>;
  /** shard file of each tensor when the checkpoint was sharded (so a save keeps the layout) */
  shards?: Map<string, string>;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Reads every weight of `c` from `dir` (model.safetensors or model.safetensors.index.json), checking
 * names and shapes first, then hands each tensor to `onTensor` in weightSpecs order as it is read,
 * so only one tensor at a time is held as a JS array.
 */
export async function loadWeights(
  dir: string,
  c: ModelConfig,
  onTensor: (spec: WeightSpec, values: Float32Array) => void,
): Promise<LoadedWeights> {
  const single = join(dir, 'model.safetensors');
  const indexFile = join(dir, 'model.safetensors.index.json');
  const fileOf = new Map<string, string>();
  let sharded = false;
  if (await exists(indexFile)) {
    sharded = true;
    let index: { weight_map?: Record<string, string> };
    try {
      index = JSON.parse(await readFile(indexFile, 'utf8')) as typeof index;
    } catch (e) {
      throw new Error(`${indexFile}: invalid JSON (${(e as Error).message})`);
    }
    if (!index.weight_map || typeof index.weight_map !== 'object') throw new Error(`${indexFile}: missing 'weight_map'`);
    for (const [name, f] of Object.entries(index.weight_map)) fileOf.set(name, f);
  } else if (!(await exists(single))) {
    throw new Error(`no weights in ${dir}: expected model.safetensors or model.safetensors.index.json`);
  }
  const files = sharded ? [...new Set(fileOf.values())] : ['model.safetensors'];
  const entries = new Map<string, TensorEntry & { file: string }>();
  for (const f of files) {
    const h = await readSafetensorsHeader(join(dir, f));
    for (const [name, e] of h.tensors) entries.set(name, { ...e, file: f });
  }
  const specs = weightSpecs(c);
  const out: LoadedWeights = { dtypes: new Map() };
  if (sharded) out.shards = new Map();
  const wanted = new Set(specs.map((s) => s.name));
  for (const name of entries.keys()) {
    if (!wanted.has(name) && !isIgnorable(name, c)) {
      throw new Error(`${dir}: unexpected tensor '${name}' for a ${c.architecture} model with this config.json`);
    }
  }
  for (const s of specs) {
    const e = entries.get(s.name);
    if (!e) {
      const hint = s.name === 'lm_head.weight' ? ' (config.json says tie_word_embeddings=false)' : '';
      throw new Error(`${dir}: missing tensor '${s.name}'${hint}`);
    }
    if (e.shape.length !== s.shape.length || e.shape.some((v, i) => v !== s.shape[i])) {
      throw new Error(`tensor '${s.name}' in ${join(dir, e.file)} has shape [${e.shape}] but config.json implies [${s.shape}]`);
    }
  }
  const handles = new Map<string, Awaited<ReturnType<typeof open>>>();
  try {
    for (const s of specs) {
      const e = entries.get(s.name)!;
      let fh = handles.get(e.file);
      if (!fh) {
        fh = await open(join(dir, e.file), 'r');
        handles.set(e.file, fh);
      }
      onTensor(s, await readTensorF32(fh, e));
      out.dtypes.set(s.name, e.dtype);
      out.shards?.set(s.name, e.file);
    }
  } finally {
    for (const fh of handles.values()) await fh.close();
  }
  return out;
}

export interface SaveWeightsOptions {
  /** shard file per tensor (keeps a loaded sharded layout); absent: one model.safetensors unless it exceeds maxShardBytes */
  shards?: Map<string, string>;
  maxShardBytes?: number;
}

/** Writes tensors as HF safetensors in `dir`: model.safetensors, or shards plus model.safetensors.index.json. Atomic per file. */
export async function saveWeights(dir: string, tensors: TensorToWrite[], opts: SaveWeightsOptions = {}): Promise<void> {
  const maxShard = opts.maxShardBytes ?? 5 * 1024 ** 3;
  const total = tensors.reduce((a, t) => a + tensorByteLength(t), 0);
  let groups: Map<string, TensorToWrite[]>;
  if (opts.shards && new Set(opts.shards.values()).size > 1) {
    groups = new Map();
    for (const t of tensors) {
      const f = opts.shards.get(t.name) ?? 'model-extra.safetensors';
      if (!groups.has(f)) groups.set(f, []);
      groups.get(f)!.push(t);
    }
  } else if (total <= maxShard) {
    groups = new Map([['model.safetensors', tensors]]);
  } else {
    const parts: TensorToWrite[][] = [[]];
    let size = 0;
    for (const t of tensors) {
      const len = tensorByteLength(t);
      if (size > 0 && size + len > maxShard) {
        parts.push([]);
        size = 0;
      }
      parts[parts.length - 1].push(t);
      size += len;
    }
    const n = String(parts.length).padStart(5, '0');
    groups = new Map(parts.map((p, i) => [`model-${String(i + 1).padStart(5, '0')}-of-${n}.safetensors`, p]));
  }
  const stale = (await readdir(dir)).filter((f) => /^model.*\.safetensors(\.index\.json)?$/.test(f) && !groups.has(f));
  for (const [f, ts] of groups) await writeSafetensors(join(dir, f), ts);
  const indexFile = join(dir, 'model.safetensors.index.json');
  if (groups.size > 1) {
    const weightMap: Record<string, string> = {};
    for (const [f, ts] of groups) for (const t of ts) weightMap[t.name] = f;
    await writeJsonAtomic(indexFile, { metadata: { total_size: total }, weight_map: weightMap });
  }
  // old shards or an old index from an earlier save into the same folder would shadow the new weights
  for (const f of stale) if (!(groups.size > 1 && f === 'model.safetensors.index.json')) await rm(join(dir, f), { force: true });
}

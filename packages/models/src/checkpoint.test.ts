import * as tf from '@tensorflow/tfjs';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCausalLM, initBackend, loadCausalLM, readSafetensorsHeader, type ModelConfig } from './index.js';
import { saveWeights } from './weights.js';
import { FIXTURES, fixtureDir, loadReference } from './test-utils/reference.js';

const tmp = mkdtempSync(join(tmpdir(), 'verl-models-ckpt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
});

async function logitsFor(dir: string, name: string): Promise<Float32Array> {
  const ref = loadReference(name);
  const m = await loadCausalLM(dir);
  const out = m.forward({ inputIds: ref.input_ids, attentionMask: ref.attention_mask });
  const l = (await out.logits.data()) as Float32Array;
  tf.dispose([out.logits, out.hidden]);
  m.dispose();
  return l;
}

function copyFixture(name: string, to: string): string {
  const d = join(tmp, to);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(fixtureDir(name), f), join(d, f));
  return d;
}

describe('save then load', () => {
  for (const name of FIXTURES) {
    it(`${name}: reproduces the logits exactly and keeps tensor names, dtypes and shapes`, async () => {
      const m = await loadCausalLM(fixtureDir(name));
      const out = join(tmp, `saved-${name}`);
      await m.save(out);
      m.dispose();
      const orig = await readSafetensorsHeader(join(fixtureDir(name), 'model.safetensors'));
      const saved = await readSafetensorsHeader(join(out, 'model.safetensors'));
      const shape = (h: typeof orig) => [...h.tensors.values()].map((e) => [e.name, e.dtype, e.shape.join('x')]).sort();
      expect(shape(saved)).toEqual(shape(orig));
      expect(saved.metadata.format).toBe('pt');
      expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(fixtureDir(name), 'config.json'), 'utf8')));
      // no temporary files left behind
      expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
      const a = await logitsFor(fixtureDir(name), name);
      const b = await logitsFor(out, name);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    });
  }

  it('save({ dtype }) converts every tensor and updates config.json (bf16 -> float32 is exact)', async () => {
    const m = await loadCausalLM(fixtureDir('qwen2-tiny-bf16'));
    const out = join(tmp, 'bf16-as-f32');
    await m.save(out, { dtype: 'float32' });
    m.dispose();
    const h = await readSafetensorsHeader(join(out, 'model.safetensors'));
    expect(new Set([...h.tensors.values()].map((e) => e.dtype))).toEqual(new Set(['F32']));
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).dtype).toBe('float32');
    const a = await logitsFor(fixtureDir('qwen2-tiny-bf16'), 'qwen2-tiny-bf16');
    const b = await logitsFor(out, 'qwen2-tiny-bf16');
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    const m2 = await loadCausalLM(out);
    await expect(m2.save(join(tmp, 'x'), { dtype: 'int8' as never })).rejects.toThrow(RangeError);
    m2.dispose();
  });

  it('reads and writes sharded checkpoints (model.safetensors.index.json)', async () => {
    const m = await loadCausalLM(fixtureDir('llama-tiny'));
    const dir = join(tmp, 'sharded');
    mkdirSync(dir, { recursive: true });
    const tensors = m.namedParameters().map(([name, v]) => ({ name, dtype: 'F32' as const, shape: v.shape, values: async () => (await v.data()) as Float32Array }));
    await saveWeights(dir, tensors, { maxShardBytes: 200_000 });
    copyFileSync(join(fixtureDir('llama-tiny'), 'config.json'), join(dir, 'config.json'));
    const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
    expect(files.length).toBeGreaterThan(1);
    expect(files[0]).toMatch(/^model-00001-of-0000\d\.safetensors$/);
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8'));
    expect(Object.keys(index.weight_map).length).toBe(m.namedParameters().length);
    m.dispose();
    const a = await logitsFor(fixtureDir('llama-tiny'), 'llama-tiny');
    const b = await logitsFor(dir, 'llama-tiny');
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    // a sharded model saves back into the same shards
    const m2 = await loadCausalLM(dir);
    const again = join(tmp, 'sharded-again');
    await m2.save(again);
    m2.dispose();
    expect(readdirSync(again).filter((f) => f.endsWith('.safetensors')).sort()).toEqual(files);
    // a missing shard or a broken index names the file
    rmSync(join(again, files[1]));
    await expect(loadCausalLM(again)).rejects.toThrow(new RegExp(`cannot open .*${files[1]}: ENOENT`));
    writeFileSync(join(again, 'model.safetensors.index.json'), '{"weight_map": ');
    await expect(loadCausalLM(again)).rejects.toThrow(/model\.safetensors\.index\.json: invalid JSON/);
  });

  it('a created model saves as float32 HF layout that loads back with the same outputs', async () => {
    const config: ModelConfig = {
      architecture: 'llama', vocabSize: 40, hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 4, numKvHeads: 2,
      headDim: 8, rmsNormEps: 1e-6, ropeTheta: 10000, tieWordEmbeddings: true, attentionBias: false, maxPositionEmbeddings: 128,
      bosTokenId: 1, eosTokenId: 2,
    };
    const m = createCausalLM(config, { seed: 3 });
    const m2 = createCausalLM(config, { seed: 3 });
    const v1 = await m.trainableVariables()[1].data();
    const v2 = await m2.trainableVariables()[1].data();
    expect(Array.from(v1)).toEqual(Array.from(v2));
    m2.dispose();
    const dir = join(tmp, 'created');
    await m.save(dir);
    const batch = { inputIds: [[1, 5, 9, 3]], attentionMask: [[1, 1, 1, 1]] };
    const o1 = m.forward(batch);
    const m3 = await loadCausalLM(dir);
    expect(m3.config).toMatchObject(config);
    const o3 = m3.forward(batch);
    expect(Array.from(await o3.logits.data())).toEqual(Array.from(await o1.logits.data()));
    const header = await readSafetensorsHeader(join(dir, 'model.safetensors'));
    expect([...header.tensors.values()].every((e) => e.dtype === 'F32')).toBe(true);
    expect(header.tensors.has('lm_head.weight')).toBe(false);
    tf.dispose([o1.logits, o1.hidden, o3.logits, o3.hidden]);
    m.dispose();
    m3.dispose();
  });
});

describe('parameters', () => {
  it('are variables named by HF tensor names; a second live model gets suffixed names; trainable: false freezes them', async () => {
    const a = await loadCausalLM(fixtureDir('qwen2-tiny'));
    const b = await loadCausalLM(fixtureDir('qwen2-tiny'), { trainable: false });
    const names = a.namedParameters().map(([n]) => n);
    expect(names[0]).toBe('model.embed_tokens.weight');
    expect(names[names.length - 1]).toBe('model.norm.weight');
    expect(names).toContain('model.layers.1.self_attn.q_proj.bias');
    expect(a.trainableVariables().map((v) => v.name)).toEqual(names);
    expect(b.namedParameters().map(([n]) => n)).toEqual(names);
    expect(b.trainableVariables().every((v, i) => v.name.startsWith(`${names[i]}#`) && !v.trainable)).toBe(true);
    a.dispose();
    b.dispose();
    // names are free again after dispose
    const c = await loadCausalLM(fixtureDir('qwen2-tiny'));
    expect(c.trainableVariables()[0].name).toBe('model.embed_tokens.weight');
    c.dispose();
  });
});

describe('bad input gives clear errors', () => {
  it('missing folder, missing weights, corrupt files', async () => {
    await expect(loadCausalLM(join(tmp, 'nope'))).rejects.toThrow(/cannot read .*nope\/config\.json: ENOENT/);
    const d = copyFixture('qwen2-tiny', 'broken');
    rmSync(join(d, 'model.safetensors'));
    await expect(loadCausalLM(d)).rejects.toThrow(/no weights in .*expected model\.safetensors/);
    const full = readFileSync(join(fixtureDir('qwen2-tiny'), 'model.safetensors'));
    writeFileSync(join(d, 'model.safetensors'), full.subarray(0, full.length - 100));
    await expect(loadCausalLM(d)).rejects.toThrow(/model\.safetensors: tensor '.*' data offsets .* \(truncated file/);
    writeFileSync(join(d, 'model.safetensors'), Buffer.from('garbage garbage garbage'));
    await expect(loadCausalLM(d)).rejects.toThrow(/model\.safetensors: corrupt safetensors header/);
    writeFileSync(join(d, 'config.json'), '{"model_type": ');
    await expect(loadCausalLM(d)).rejects.toThrow(/config\.json: invalid JSON/);
  });

  it('unknown architecture', async () => {
    const d = copyFixture('qwen2-tiny', 'gpt2');
    const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
    writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }));
    await expect(loadCausalLM(d)).rejects.toThrow(/config\.json: unknown architecture \(model_type 'gpt2'/);
  });

  it('config/weights shape mismatch names the tensor', async () => {
    const d = copyFixture('qwen2-tiny', 'mismatch');
    const cfg = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'));
    writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, intermediate_size: 128 }));
    await expect(loadCausalLM(d)).rejects.toThrow(/tensor 'model\.layers\.0\.mlp\.gate_proj\.weight' .* has shape \[160,64\] but config\.json implies \[128,64\]/);
    writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, tie_word_embeddings: false }));
    await expect(loadCausalLM(d)).rejects.toThrow(/missing tensor 'lm_head\.weight'/);
  });

  it('token ids out of range and ragged batches', async () => {
    const m = await loadCausalLM(fixtureDir('qwen2-tiny'));
    expect(() => m.forward({ inputIds: [[1, 320]], attentionMask: [[1, 1]] })).toThrow(/token id 320 at inputIds\[0\]\[1\] is out of range \[0, 320\)/);
    expect(() => m.forward({ inputIds: [[1, -1]], attentionMask: [[1, 1]] })).toThrow(RangeError);
    expect(() => m.forward({ inputIds: [[1, 2], [3]], attentionMask: [[1, 1], [1]] })).toThrow(/row 1 has length 1, expected 2/);
    expect(() => m.forward({ inputIds: [[1, 2]], attentionMask: [[1, 2]] })).toThrow(/must be 0 or 1/);
    m.dispose();
    expect(() => m.forward({ inputIds: [[1]], attentionMask: [[1]] })).toThrow(/after dispose/);
  });
});

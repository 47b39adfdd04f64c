import * as tf from '@tensorflow/tfjs';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM } from './index.js';
import { fixtureDir, loadReference, maskedMaxAbs } from './test-utils/reference.js';

const tmp = mkdtempSync(join(tmpdir(), 'verl-models-arch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
});

/** the llama-tiny checkpoint with config.json fields replaced */
function variant(name: string, patch: Record<string, unknown>): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  copyFileSync(join(fixtureDir('llama-tiny'), 'model.safetensors'), join(d, 'model.safetensors'));
  const cfg = JSON.parse(readFileSync(join(fixtureDir('llama-tiny'), 'config.json'), 'utf8'));
  writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, ...patch }));
  return d;
}

async function logits(dir: string, ids: number[][], mask: number[][]): Promise<Float32Array> {
  const m = await loadCausalLM(dir);
  const out = m.forward({ inputIds: ids, attentionMask: mask });
  const l = (await out.logits.data()) as Float32Array;
  tf.dispose([out.logits, out.hidden]);
  m.dispose();
  return l;
}

describe('Mistral', () => {
  // MistralForCausalLM is LlamaForCausalLM without biases plus an optional sliding window, so the
  // llama-tiny weights under a Mistral config must give transformers' Llama logits.
  const ref = loadReference('llama-tiny');

  it('without a sliding window matches the transformers Llama reference', async () => {
    const d = variant('mistral', { model_type: 'mistral', architectures: ['MistralForCausalLM'], sliding_window: null });
    const l = await logits(d, ref.input_ids, ref.attention_mask);
    expect(maskedMaxAbs(l, ref.logits, ref.attention_mask, ref.logits_shape[2])).toBeLessThan(1e-4);
  });

  it('a sliding window of W limits what a 2-layer model sees to the last 2(W-1) tokens', async () => {
    const d = variant('mistral-sw', { model_type: 'mistral', architectures: ['MistralForCausalLM'], sliding_window: 3 });
    const a = [[5, 17, 33, 8, 90, 41, 7, 66, 12, 3]];
    const b = [[200, 17, 33, 8, 90, 41, 7, 66, 12, 3]]; // only token 0 differs
    const mask = [new Array(10).fill(1)];
    const la = await logits(d, a, mask);
    const lb = await logits(d, b, mask);
    const V = 320;
    const diffAt = (t: number) => Math.max(...Array.from(la.subarray(t * V, (t + 1) * V), (x, i) => Math.abs(x - lb[t * V + i])));
    // layer 2 at t sees layer-1 states t-2..t, which see tokens t-4..t: token 0 reaches t <= 4 only
    for (let t = 0; t <= 4; t++) expect(diffAt(t)).toBeGreaterThan(1e-4);
    for (let t = 5; t < 10; t++) expect(diffAt(t)).toBe(0);
    // a window wider than the sequence changes nothing
    const wide = variant('mistral-wide', { model_type: 'mistral', architectures: ['MistralForCausalLM'], sliding_window: 64 });
    const full = variant('llama-copy', {});
    expect(Array.from(await logits(wide, a, mask))).toEqual(Array.from(await logits(full, a, mask)));
  });
});

describe('Qwen2 per-layer sliding window', () => {
  const ref = loadReference('qwen2-tiny');
  function qwenVariant(name: string, patch: Record<string, unknown>): string {
    const d = join(tmp, name);
    mkdirSync(d, { recursive: true });
    copyFileSync(join(fixtureDir('qwen2-tiny'), 'model.safetensors'), join(d, 'model.safetensors'));
    const cfg = JSON.parse(readFileSync(join(fixtureDir('qwen2-tiny'), 'config.json'), 'utf8'));
    delete cfg.layer_types;
    writeFileSync(join(d, 'config.json'), JSON.stringify({ ...cfg, ...patch }));
    return d;
  }
  it('slides only the layers transformers slides', async () => {
    const ids = [[5, 17, 33, 8, 90, 41, 7, 66, 12, 3]];
    const mask = [new Array(10).fill(1)];
    const full = await logits(fixtureDir('qwen2-tiny'), ids, mask);
    // max_window_layers >= num layers: no layer slides, transformers' reference logits unchanged
    const none = await logits(qwenVariant('q-none', { use_sliding_window: true, sliding_window: 3, max_window_layers: 2 }), ref.input_ids, ref.attention_mask);
    expect(maskedMaxAbs(none, ref.logits, ref.attention_mask, 320)).toBeLessThan(1e-4);
    const upper = await logits(qwenVariant('q-upper', { use_sliding_window: true, sliding_window: 3, max_window_layers: 1 }), ids, mask);
    const typed = await logits(qwenVariant('q-typed', { use_sliding_window: true, sliding_window: 3, layer_types: ['full_attention', 'sliding_attention'] }), ids, mask);
    const lower = await logits(qwenVariant('q-lower', { use_sliding_window: true, sliding_window: 3, layer_types: ['sliding_attention', 'full_attention'] }), ids, mask);
    expect(Array.from(typed)).toEqual(Array.from(upper));
    const V = 320;
    const diff = (a: Float32Array, b: Float32Array, t: number) => Math.max(...Array.from(a.subarray(t * V, (t + 1) * V), (x, i) => Math.abs(x - b[t * V + i])));
    // within the window nothing changes; past it the windowed layer sees fewer tokens
    for (let t = 0; t < 3; t++) expect(diff(upper, full, t)).toBe(0);
    expect(diff(upper, full, 9)).toBeGreaterThan(1e-4);
    expect(diff(lower, upper, 9)).toBeGreaterThan(1e-4);
  });
});

describe('Llama 3 rope scaling', () => {
  it('changes the logits only through the rescaled frequencies', async () => {
    const ref = loadReference('llama-tiny');
    // head_dim 8, theta 1e4: inv_freq = 1, 0.1, 0.01, 0.001 -> wavelengths 6.3, 63, 628, 6283.
    // With original_max_position_embeddings 64, low 1, high 4: 6.3 < 16 is kept, 6283 > 64 is divided by the factor,
    // so the model differs from the unscaled one
    const d = variant('llama3', { rope_parameters: { rope_type: 'llama3', rope_theta: 10000.0, factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 } });
    const l = await logits(d, ref.input_ids, ref.attention_mask);
    const err = maskedMaxAbs(l, ref.logits, ref.attention_mask, ref.logits_shape[2]);
    expect(err).toBeGreaterThan(1e-4);
    // a factor of 1 with equal wavelength cut-offs is the identity
    const id = variant('llama3-id', { rope_parameters: { rope_type: 'llama3', rope_theta: 10000.0, factor: 1, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 64 } });
    const l1 = await logits(id, ref.input_ids, ref.attention_mask);
    expect(maskedMaxAbs(l1, ref.logits, ref.attention_mask, ref.logits_shape[2])).toBeLessThan(1e-4);
  });
});

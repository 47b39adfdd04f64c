import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, type CausalLM } from './index.js';
import { fixtureDir, loadReference } from './test-utils/reference.js';

/** logits [B, T, V] as nested arrays */
async function logitsOf(out: { logits: tf.Tensor3D; hidden: tf.Tensor3D }): Promise<number[][][]> {
  const a = (await out.logits.array()) as number[][][];
  tf.dispose([out.logits, out.hidden]);
  return a;
}

function maxAbsDiff(a: number[], b: number[]): number {
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}

describe('KV cache: incremental decoding equals the full forward pass', () => {
  let model: CausalLM;
  const ref = loadReference('qwen2-tiny');
  beforeAll(async () => {
    await initBackend('wasm');
    model = await loadCausalLM(fixtureDir('qwen2-tiny'));
  });
  afterAll(() => model.dispose());

  it('prefill then one token at a time, with left and right padding, matches forward logits at every real position', async () => {
    const ids = ref.input_ids;
    const mask = ref.attention_mask;
    const T = ids[0].length;
    const full = await logitsOf(model.forward({ inputIds: ids, attentionMask: mask }));
    const cache = model.createKVCache(ids.length);
    const prefill = 5;
    const first = await logitsOf(
      model.forwardCached({ inputIds: ids.map((r) => r.slice(0, prefill)), attentionMask: mask.map((r) => r.slice(0, prefill)) }, cache),
    );
    expect(cache.length).toBe(prefill);
    const steps: number[][][][] = [first];
    for (let t = prefill; t < T; t++) {
      steps.push(await logitsOf(model.forwardCached({ inputIds: ids.map((r) => [r[t]]), attentionMask: mask.map((r) => r.slice(0, t + 1)) }, cache)));
    }
    expect(cache.length).toBe(T);
    let err = 0;
    for (let b = 0; b < ids.length; b++)
      for (let t = 0; t < T; t++) {
        if (!mask[b][t]) continue;
        const inc = t < prefill ? steps[0][b][t] : steps[t - prefill + 1][b][0];
        err = Math.max(err, maxAbsDiff(inc, full[b][t]));
      }
    expect(err).toBeLessThan(1e-5);
    cache.dispose();
  });

  it('select(rows) compacts the cache: the kept rows continue exactly as alone', async () => {
    const ids = ref.input_ids;
    const mask = ref.attention_mask;
    const cache = model.createKVCache(3);
    (await logitsOf(model.forwardCached({ inputIds: ids.map((r) => r.slice(0, 8)), attentionMask: mask.map((r) => r.slice(0, 8)) }, cache)));
    cache.select([2, 0]);
    expect(cache.batchSize).toBe(2);
    const next = await logitsOf(model.forwardCached({ inputIds: [[ids[2][8]], [ids[0][8]]], attentionMask: [mask[2].slice(0, 9), mask[0].slice(0, 9)] }, cache));
    const full = await logitsOf(model.forward({ inputIds: [ids[2].slice(0, 9), ids[0].slice(0, 9)], attentionMask: [mask[2].slice(0, 9), mask[0].slice(0, 9)] }));
    expect(maxAbsDiff(next[0][0], full[0][8])).toBeLessThan(1e-5);
    expect(maxAbsDiff(next[1][0], full[1][8])).toBeLessThan(1e-5);
    expect(() => cache.select([5])).toThrow(RangeError);
    cache.dispose();
    expect(() => model.forwardCached({ inputIds: [[1]], attentionMask: [[1]] }, cache)).toThrow(/dispose/);
  });

  it("{ logits: 'last' } gives each row's last-position logits only, with and without the cache", async () => {
    const ids = ref.input_ids;
    const mask = ref.attention_mask;
    const T = ids[0].length;
    const full = await logitsOf(model.forward({ inputIds: ids, attentionMask: mask }));
    const last = await logitsOf(model.forward({ inputIds: ids, attentionMask: mask }, { logits: 'last' }));
    expect(last.length).toBe(3);
    for (let b = 0; b < 3; b++) {
      expect(last[b].length).toBe(1);
      expect(maxAbsDiff(last[b][0], full[b][T - 1])).toBeLessThan(1e-6);
    }
    const cache = model.createKVCache(3);
    const pre = await logitsOf(model.forwardCached({ inputIds: ids.map((r) => r.slice(0, 6)), attentionMask: mask.map((r) => r.slice(0, 6)) }, cache, { logits: 'last' }));
    for (let b = 0; b < 3; b++) expect(maxAbsDiff(pre[b][0], full[b][5])).toBeLessThan(1e-5);
    cache.dispose();
  });

  it('select can repeat rows: prefill a prompt once, then decode n samples from copies', async () => {
    const ids = ref.input_ids;
    const cache = model.createKVCache(1);
    tf.dispose(Object.values(model.forwardCached({ inputIds: [ids[0].slice(0, 6)], attentionMask: [new Array(6).fill(1)] }, cache)));
    cache.select([0, 0, 0]);
    expect(cache.batchSize).toBe(3);
    const next = [[ids[0][6]], [7], [9]];
    const got = await logitsOf(model.forwardCached({ inputIds: next, attentionMask: next.map(() => new Array(7).fill(1)) }, cache));
    for (let r = 0; r < 3; r++) {
      const full = await logitsOf(model.forward({ inputIds: [[...ids[0].slice(0, 6), next[r][0]]], attentionMask: [new Array(7).fill(1)] }));
      expect(maxAbsDiff(got[r][0], full[0][6])).toBeLessThan(1e-5);
    }
    cache.dispose();
  });

  it('rejects a mask that does not cover cached + new positions and a wrong batch size', () => {
    const cache = model.createKVCache(1);
    tf.dispose(Object.values(model.forwardCached({ inputIds: [[5, 6]], attentionMask: [[1, 1]] }, cache)));
    expect(() => model.forwardCached({ inputIds: [[7]], attentionMask: [[1]] }, cache)).toThrow(/cached 2 \+ new 1/);
    expect(() => model.forwardCached({ inputIds: [[7], [8]], attentionMask: [[1, 1, 1], [1, 1, 1]] }, cache)).toThrow(/holds 1 rows/);
    cache.dispose();
  });

  it('leaves no tensors behind after a decode step and after dispose', () => {
    const before = tf.memory().numTensors;
    const cache = model.createKVCache(1);
    for (let t = 0; t < 3; t++) {
      const out = model.forwardCached({ inputIds: [[5 + t]], attentionMask: [new Array(t + 1).fill(1)] }, cache);
      tf.dispose([out.logits, out.hidden]);
    }
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('memory', () => {
  it('load then dispose frees every tensor and data buffer', async () => {
    await initBackend('wasm');
    const count = () => [tf.memory().numTensors, (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds()];
    const before = count();
    const model = await loadCausalLM(fixtureDir('qwen2-tiny'));
    const out = model.forward({ inputIds: [[1, 2, 3]], attentionMask: [[1, 1, 1]] });
    tf.dispose([out.logits, out.hidden]);
    model.dispose();
    expect(count()).toEqual(before);
  });

  it('forward and a backward pass leave only their outputs behind', async () => {
    await initBackend('wasm');
    const model = await loadCausalLM(fixtureDir('llama-tiny'));
    const ref = loadReference('llama-tiny');
    const batch = { inputIds: ref.input_ids, attentionMask: ref.attention_mask };
    tf.dispose(Object.values(model.forward(batch))); // fills the W^T cache
    const before = tf.memory().numTensors;
    const out = model.forward(batch);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([out.logits, out.hidden]);
    const vars = model.trainableVariables();
    const { value, grads } = tf.variableGrads(() => tf.mean(model.forward(batch).logits) as tf.Scalar, vars);
    expect(tf.memory().numTensors).toBe(before + 1 + vars.length);
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });
});

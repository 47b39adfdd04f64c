// Acceptance (issue 16): each hf-reference fixture exported to GGUF (f32) and run by llama.cpp
// gives transformers' next-token log-probabilities within 1e-3 and the same greedy continuation.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportGguf } from '../gguf/export-gguf.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llamacpp-engine.js';
import { FIXTURE_MODELS, fixtureWithTokenizer, readReference, referenceLogprobs } from '../test-utils/fixture-model.js';

describe.each(FIXTURE_MODELS)('llama.cpp on the exported %s', (name) => {
  const ref = readReference(name);
  let engine: LlamaCppEngine;
  let engine16: LlamaCppEngine;
  let cleanup: () => void;
  beforeAll(async () => {
    const f = await fixtureWithTokenizer(name);
    cleanup = f.cleanup;
    const f32 = await exportGguf({ modelDir: f.dir, out: join(f.dir, 'f32.gguf') });
    const f16 = await exportGguf({ modelDir: f.dir, out: join(f.dir, 'f16.gguf'), dtype: 'f16' });
    engine = await createLlamaCppEngine({ modelPath: f32.file, gpu: false, parallel: 4, threads: 1 });
    engine16 = await createLlamaCppEngine({ modelPath: f16.file, gpu: false, parallel: 1, kvCache: 'f16', threads: 1 });
  });
  afterAll(async () => {
    await engine?.close();
    await engine16?.close();
    cleanup?.();
  });

  it("log-probabilities match transformers' logits within 1e-3 (f32 export) at every unmasked position", async () => {
    expect(engine.vocabSize).toBe(320);
    expect(engine.device).toBe('cpu');
    let worst = 0;
    for (let b = 0; b < ref.input_ids.length; b++) {
      // the rows are left- or right-padded; position ids count only real tokens, so the real
      // tokens alone are the same sequence
      const cols = ref.attention_mask[b].flatMap((m, t) => (m ? [t] : []));
      const rows = await engine.logprobRows(cols.map((t) => ref.input_ids[b][t]));
      cols.forEach((t, i) => {
        const want = referenceLogprobs(ref, b, t);
        for (let v = 0; v < want.length; v++) worst = Math.max(worst, Math.abs(rows[i][v] - want[v]));
      });
    }
    expect(worst).toBeLessThan(1e-3);
    // in practice f32 round-off: llama.cpp's f32 path (no flash attention, f32 KV cache)
    expect(worst).toBeLessThan(2e-5);
  });

  it('greedy continuation is identical to transformers', async () => {
    const [g] = await engine.generate([ref.greedy_prompt], { maxNewTokens: 16, temperature: 0, eosTokenIds: [] });
    expect(g.responseIds).toEqual(ref.greedy_continuation);
    expect(g.finishReason).toBe('length');
    // the reported log-probs are those of the full distribution at each step
    const rows = await engine.logprobRows([...ref.greedy_prompt, ...ref.greedy_continuation]);
    g.responseIds.forEach((tok, i) => expect(g.logprobs[i]).toBeCloseTo(rows[ref.greedy_prompt.length - 1 + i][tok], 5));
  });

  it('an f16 export with an f16 KV cache stays close (within 2e-2) and greedy still agrees', async () => {
    const ids = ref.greedy_prompt;
    const a = await engine.logprobRows(ids);
    const b = await engine16.logprobRows(ids);
    let worst = 0;
    for (let t = 0; t < ids.length; t++) for (let v = 0; v < 320; v++) worst = Math.max(worst, Math.abs(a[t][v] - b[t][v]));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(2e-2);
    const [g] = await engine16.generate([ids], { maxNewTokens: 16, temperature: 0, eosTokenIds: [] });
    expect(g.responseIds).toEqual(ref.greedy_continuation);
  });
});

describe('default CPU threads', () => {
  it('all cores on an idle machine, fewer when other processes keep cores busy, one for tiny models', async () => {
    const { defaultThreads } = await import('./llamacpp-engine.js');
    expect(defaultThreads(2e9, 16, 0.2)).toBe(16);
    expect(defaultThreads(2e9, 16, 6)).toBe(10);
    expect(defaultThreads(2e9, 2, 9)).toBe(1);
    expect(defaultThreads(1e6, 16, 0)).toBe(1);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';
import { openLocalModel } from '../commands/shared/engine.js';
import { probeResponses } from './probe.js';
import type { ProblemRecord } from './records.js';

describe('probeResponses', () => {
  it('confidence equals the sampled tokens’ probabilities reported by the rollout engine; ER matches rank-metrics on the aligned states', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-probe-'));
    await writeTinyTestModel(dir, { seed: 3 });
    const { model, tokenizer, engine } = await openLocalModel(dir, { backend: 'wasm' });
    const prompts = ['12+7=', '3*4-1='];
    const rollouts = await engine.generate(prompts, { n: 2, temperature: 1, maxNewTokens: 12, seed: 5 });
    const records: ProblemRecord[] = prompts.map((q, i) => {
      const rs = rollouts.filter((r) => r.promptIndex === i);
      return {
        id: `p${i}`, benchmark: 'arithmetic', question: q, answer: '0',
        responses: rs.map((r) => r.text), extracted: rs.map(() => null), correct: rs.map(() => false),
        finishReasons: rs.map((r) => r.finishReason), responseTokens: rs.map((r) => r.responseIds.length),
      };
    });
    const rows = await probeResponses(model, tokenizer, records, (q) => q, { stride: 2, batchSize: 3 });
    const rm = await import('@verl-ts/rank-metrics');
    // text round-trips through the character tokenizer unless a random token was a special one
    const eos = tokenizer.eosTokenIds[0];
    const clean = rows.filter((row) => {
      const r = rollouts.find((x) => x.promptIndex === Number(row.id.slice(1)) && x.sampleIndex === row.sample)!;
      return r.responseIds.every((id, j) => id >= 4 || (id === eos && j === r.responseIds.length - 1));
    });
    expect(clean.length).toBeGreaterThan(0);
    for (const row of clean) {
      const r = rollouts.find((x) => x.promptIndex === Number(row.id.slice(1)) && x.sampleIndex === row.sample)!;
      expect(row.tokens).toBe(r.responseIds.length);
      const conf = r.logprobs.reduce((a, lp) => a + Math.exp(lp), 0) / r.logprobs.length;
      expect(row.confidence).toBeCloseTo(conf, 4);
      // ER from the hidden states of a single-sequence forward pass, sliced by hand
      const ids = [...r.promptIds, ...r.responseIds];
      const out = model.forward({ inputIds: [ids], attentionMask: [ids.map(() => 1)] });
      const D = out.hidden.shape[2];
      const h = await out.hidden.data();
      out.logits.dispose();
      out.hidden.dispose();
      const P = r.promptIds.length;
      const rows2 = h.slice((P - 1) * D, (P - 1 + r.responseIds.length) * D);
      const er = rm.effectiveRank({ data: Float64Array.from(rows2), rows: r.responseIds.length, cols: D });
      expect(row.er).toBeCloseTo(er, 3);
      expect(Number.isFinite(row.entropy) && row.entropy > 0).toBe(true);
    }
    expect(rows.length).toBeGreaterThan(0);
    model.dispose();
  });
});

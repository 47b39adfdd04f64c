// The bundled long-task policy (assets/long-arith, issue 17): it loads, works a held-out level-6
// problem out in 80-250 tokens, and the rank metrics at the paper's stride of 40 (arXiv 2509.23808;
// DESIGN.md: windows t = 40, 80, 120 < T) are finite on its hidden states, with all three windows
// present, so ERA is computed rather than the 0 of a too-short response.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARITHMETIC_ALPHABET, ARITHMETIC_LONG_LEVEL, arithmeticProblems, formatPrompt, lastBoxed } from '@verl-ts/datasets';
import { initBackend, loadCausalLM, loadTokenizer } from '@verl-ts/models';
import { createLocalEngine } from '@verl-ts/rollout';
import { effectiveRank, rankDynamics } from '@verl-ts/rank-metrics';
import { longArithDir } from './assets.js';
import { ARITHMETIC_TEST_SEED } from '../commands/shared/problems.js';

describe('the bundled long-arith policy', () => {
  it('its recorded configs name the long level, the paper stride and this folder', () => {
    const rl = readFileSync(join(longArithDir(), 'rl.yaml'), 'utf8');
    expect(rl).toMatch(/^\s+stride: 40$/m);
    expect(rl).toMatch(/^\s+difficulty: 6$/m);
    expect(rl).toMatch(/^\s+path: apps\/eval-runner\/assets\/long-arith$/m);
    expect(readFileSync(join(longArithDir(), 'sft.yaml'), 'utf8')).toMatch(/^\s+difficulty: 6$/m);
    const tok = JSON.parse(readFileSync(join(longArithDir(), 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    expect(Object.keys(tok.model.vocab)).toHaveLength(4 + ARITHMETIC_ALPHABET.length);
  });

  it('works a held-out problem out in 80-250 tokens, with finite ER/ERV/ERA at stride 40', async () => {
    await initBackend('wasm');
    const dir = longArithDir();
    const model = await loadCausalLM(dir);
    const tokenizer = await loadTokenizer(dir);
    const engine = createLocalEngine(model, tokenizer);
    const problems = arithmeticProblems({ count: 2, seed: ARITHMETIC_TEST_SEED, split: 'test', difficulty: ARITHMETIC_LONG_LEVEL });
    const rollouts = await engine.generate(problems.map((p) => formatPrompt('arithmetic', p.question)), { n: 1, temperature: 0, maxNewTokens: 250, seed: 0 });
    expect(rollouts).toHaveLength(2);
    for (const r of rollouts) {
      // a worked chain of rewrites ending in a boxed integer, stopped by EOS
      expect(r.finishReason).toBe('stop');
      expect(r.responseIds.length).toBeGreaterThanOrEqual(80);
      expect(r.responseIds.length).toBeLessThanOrEqual(250);
      expect(r.text).toMatch(/^-?\d+[+-]\d.*=\\boxed\{-?\d+\}$/);
      expect(lastBoxed(r.text)).toMatch(/^-?\d+$/);

      // hidden states of the response tokens (the state that predicted each one), as the trainer takes them
      const ids = [...r.promptIds, ...r.responseIds];
      const { logits, hidden } = model.forward({ inputIds: [ids], attentionMask: [ids.map(() => 1)] });
      const [, T, D] = hidden.shape;
      const all = hidden.dataSync() as Float32Array;
      logits.dispose();
      hidden.dispose();
      const start = r.promptIds.length - 1;
      const rows = r.responseIds.length;
      expect(start + rows).toBeLessThanOrEqual(T);
      const h = { data: all.slice(start * D, (start + rows) * D), rows, cols: D };
      const er = effectiveRank(h);
      const dyn = rankDynamics(h, { stride: 40, maxTokens: 512 });
      expect(Number.isFinite(er) && er > 1).toBe(true);
      expect(dyn.windowRanks.length).toBeGreaterThanOrEqual(3);
      expect(dyn.accelerations.length).toBeGreaterThanOrEqual(1);
      expect([dyn.erv, dyn.era, ...dyn.windowRanks].every(Number.isFinite)).toBe(true);
      expect(dyn.era).not.toBe(0);
    }
  });
});

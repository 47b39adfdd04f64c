// syncWeights: after the trainer changes the policy (TensorFlow.js), the engine samples from the new
// weights: greedy tokens and raw log-probs equal the local engine's on the changed policy.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadCausalLM, type CausalLM } from '@verl-ts/models';
import { createLocalEngine } from '@verl-ts/rollout';
import { exportGguf } from '../gguf/export-gguf.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llamacpp-engine.js';
import { fixtureWithTokenizer, readReference } from '../test-utils/fixture-model.js';

const prompt = readReference('qwen2-tiny').greedy_prompt;
const greedy = { maxNewTokens: 12, temperature: 0, eosTokenIds: [] };
let dir: string;
let cleanup: () => void;
let policy: CausalLM;
let file: string;
beforeAll(async () => {
  ({ dir, cleanup } = await fixtureWithTokenizer('qwen2-tiny'));
  ({ file } = await exportGguf({ modelDir: dir, out: join(dir, 'model.gguf') }));
  await initBackend();
  policy = await loadCausalLM(dir);
});
afterAll(() => {
  policy?.dispose();
  cleanup?.();
});

/** An update: the MLP weights scaled and shifted (as an optimizer step would move them, only more). */
function perturb(model: CausalLM): void {
  for (const [name, v] of model.namedParameters()) {
    if (!name.includes('mlp')) continue;
    const next = v.mul(1.5).add(0.01);
    v.assign(next);
    next.dispose();
  }
}

describe('syncWeights', () => {
  it('reloads the policy after an update: greedy tokens and raw log-probs as the local engine on the new weights', async () => {
    const engine: LlamaCppEngine = await createLlamaCppEngine({ modelPath: file, gpu: false, threads: 1, hfDir: dir });
    try {
      const local = createLocalEngine(policy);
      const before = await engine.generate([prompt], greedy);
      expect(before[0].responseIds).toEqual((await local.generate([prompt], greedy))[0].responseIds);
      perturb(policy);
      const after = await local.generate([prompt], greedy);
      // the update changed what the policy generates; the engine still has the old weights
      expect(after[0].logprobs).not.toEqual(before[0].logprobs);
      await engine.syncWeights(policy);
      const synced = await engine.generate([prompt], greedy);
      expect(synced[0].responseIds).toEqual(after[0].responseIds);
      synced[0].logprobs.forEach((lp, t) => expect(Math.abs(lp - after[0].logprobs[t])).toBeLessThan(1e-4));
      const s = engine.lastSync!;
      expect(s.total).toBeGreaterThan(0);
      expect(s.save + s.export + s.load).toBeLessThanOrEqual(s.total + 1e-6);
      // a second sync writes the other file and frees the first
      await engine.syncWeights(policy);
      expect((await engine.generate([prompt], greedy))[0].responseIds).toEqual(after[0].responseIds);
    } finally {
      await engine.close();
    }
  });

  it('needs hfDir (the tokenizer files)', async () => {
    const engine = await createLlamaCppEngine({ modelPath: file, gpu: false, threads: 1 });
    try {
      await expect(engine.syncWeights(policy)).rejects.toThrow(/hfDir/);
    } finally {
      await engine.close();
    }
  });
});

import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigChangeError, diffConfigs, reconcileRunConfig, RL_FREE_FIELDS } from './run-config.js';

describe('diffConfigs', () => {
  it('lists leaf differences by dotted path, sorted; arrays compare whole; missing keys are undefined', () => {
    expect(diffConfigs(
      { actor: { lr: 1, clip: 0.2 }, rollout: { stop: ['a'] }, b: 1 },
      { actor: { lr: 2, clip: 0.2 }, rollout: { stop: ['a', 'b'] }, c: 3 },
    )).toEqual([
      { path: 'actor.lr', before: 1, after: 2 },
      { path: 'b', before: 1, after: undefined },
      { path: 'c', before: undefined, after: 3 },
      { path: 'rollout.stop', before: ['a'], after: ['a', 'b'] },
    ]);
    expect(diffConfigs({ a: { b: [1, 2] } }, { a: { b: [1, 2] } })).toEqual([]);
  });
});

describe('reconcileRunConfig', () => {
  const opts = { freeFields: RL_FREE_FIELDS, stepsField: 'trainer.steps' };
  it('writes config.json for a fresh run and when a resumed run has none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-config-'));
    await reconcileRunConfig(dir, { actor: { lr: 1 } }, { ...opts, resumeStep: null });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ actor: { lr: 1 } });
    // a fresh start replaces whatever was there
    await reconcileRunConfig(dir, { actor: { lr: 2 } }, { ...opts, resumeStep: null });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).actor.lr).toBe(2);
    const bare = mkdtempSync(join(tmpdir(), 'run-config-'));
    expect(await reconcileRunConfig(bare, { actor: { lr: 3 } }, { ...opts, resumeStep: 4 })).toEqual([]);
    expect(existsSync(join(bare, 'config.json'))).toBe(true);
  });
  it('refuses training changes (writing nothing), passes free ones and records every change with its step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-config-'));
    const saved = { name: 'x', model: { path: 'm', backend: 'wasm' }, actor: { lr: 1 }, trainer: { steps: 4, saveEvery: 2 } };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(saved));
    const changed = { ...saved, actor: { lr: 5 }, model: { path: 'm', backend: 'cpu' } };
    const err = await reconcileRunConfig(dir, changed, { ...opts, resumeStep: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigChangeError);
    expect(err.changes).toEqual([{ path: 'actor.lr', before: 1, after: 5 }]); // the backend is free
    expect(existsSync(join(dir, 'config-history.jsonl'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual(saved);
    const free = { ...saved, model: { path: 'm', backend: 'cpu' }, trainer: { steps: 8, saveEvery: 1 } };
    expect((await reconcileRunConfig(dir, free, { ...opts, resumeStep: 2 })).map((c) => c.path))
      .toEqual(['model.backend', 'trainer.saveEvery', 'trainer.steps']);
    // without a constant lr schedule the step count is a training field
    await expect(reconcileRunConfig(dir, { ...free, trainer: { steps: 9, saveEvery: 1 } }, { freeFields: RL_FREE_FIELDS, resumeStep: 3 }))
      .rejects.toThrow(/changed: trainer\.steps 8 → 9\./);
    await reconcileRunConfig(dir, { ...free, actor: { lr: 5 } }, { ...opts, resumeStep: 3, allowConfigChange: true });
    const history = readFileSync(join(dir, 'config-history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history.map((h) => [h.step, h.trainingFields])).toEqual([[2, []], [3, ['actor.lr']]]);
    expect(typeof history[0].time).toBe('string');
  });
});

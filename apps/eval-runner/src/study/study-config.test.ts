import { describe, expect, it } from 'vitest';
import { defaultArms, parseStudyConfig, runConfigInput } from './study-config.js';

const DEMO = { name: 'grpo', outputDir: 'runs', seed: 0, model: { path: '/bundled' }, data: { source: 'arithmetic', seed: 1, count: 4000 }, rollout: { n: 8, maxNewTokens: 24 }, trainer: { steps: 30, saveEvery: 5 } };

describe('study config', () => {
  it('defaults: 5 seeds, the four arms, the demo base without its data seed', () => {
    const s = parseStudyConfig(undefined, DEMO);
    expect(s.seeds).toEqual([0, 1, 2, 3, 4]);
    expect(s.arms.map((a) => a.name)).toEqual(['grpo', 'grpo-verl', 'grpo-verl-ref', 'grpo-verl-overlong']);
    expect(s.base).toEqual({ model: { path: '/bundled' }, data: { source: 'arithmetic', count: 4000 }, rollout: { n: 8, maxNewTokens: 24 }, trainer: { steps: 30, saveEvery: 5 } });
    expect(s.eval).toMatchObject({ benchmark: 'arithmetic', problems: 200, n: 8 });
    expect(defaultArms(24)[3].set['reward.overlong.bufferLength']).toBe(6);
    expect(defaultArms(200)[3].set['reward.overlong.bufferLength']).toBe(50);
  });

  it('a base without model.path extends the demo; one with a model stands alone', () => {
    expect(parseStudyConfig({ base: { trainer: { steps: 3 } } }, DEMO).base.trainer).toEqual({ steps: 3, saveEvery: 5 });
    expect(parseStudyConfig({ base: { model: { path: '/m' } } }, DEMO).base).toEqual({ model: { path: '/m' } });
  });

  it('each run: the arm overrides, its own name and folder, the run seed and data seed + 1, resume on', () => {
    const s = parseStudyConfig({ seeds: [3, 7], arms: ['grpo', 'grpo-verl-ref'] }, DEMO);
    const cfg = runConfigInput(s, '/study', s.arms[1], 7) as Record<string, any>;
    expect(cfg).toMatchObject({ name: 'grpo-verl-ref-seed7', outputDir: '/study/runs', seed: 7, data: { seed: 8 }, trainer: { resume: 'auto', steps: 30 } });
    expect(cfg.algorithm).toEqual({ verl: { enabled: true, shaper: { mode: 'reference' } } });
    expect(s.base).not.toHaveProperty('algorithm'); // the base is not modified
    // a data seed fixed in the base stays fixed for every run
    const fixed = parseStudyConfig({ base: { data: { seed: 42 } } }, DEMO);
    expect((runConfigInput(fixed, '/s', fixed.arms[0], 3) as any).data.seed).toBe(42);
  });

  it('refuses what it cannot run, naming the field', () => {
    const bad = (raw: unknown) => () => parseStudyConfig(raw, DEMO);
    expect(bad({ sedes: 3 })).toThrow(/unknown field 'sedes'/);
    expect(bad({ seeds: [1, 1] })).toThrow(/seeds repeat a value/);
    expect(bad({ seeds: 0 })).toThrow(/seeds must be an integer ≥ 1/);
    expect(bad({ base: { seed: 3 } })).toThrow(/base\.seed is set by the study/);
    expect(bad({ arms: [{ name: 'a b' }] })).toThrow(/arms\[0\]\.name/);
    expect(bad({ arms: ['grpo', 'grpo'] })).toThrow(/arm names repeat/);
    expect(bad({ eval: { topP: 0 } })).toThrow(/eval\.topP/);
  });
});

describe('a base config file', () => {
  it('is read relative to the study file, without the fields the study sets', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { inlineBaseFile } = await import('./study-config.js');
    const dir = mkdtempSync(join(tmpdir(), 'verl-study-base-'));
    mkdirSync(join(dir, 'cfg'));
    writeFileSync(join(dir, 'cfg', 'rl.yaml'), 'name: x\noutputDir: runs\nseed: 0\nmodel: { path: m }\ndata: { source: arithmetic, seed: 1, difficulty: 6 }\n');
    const raw = inlineBaseFile({ seeds: 2, base: 'cfg/rl.yaml' }, join(dir, 'study.yaml'));
    expect(raw.base).toEqual({ model: { path: 'm' }, data: { source: 'arithmetic', difficulty: 6 } });
    const s = parseStudyConfig(raw, DEMO);
    expect(s.base).toEqual(raw.base); // has model.path: not merged with the demo
    expect((runConfigInput(s, '/s', s.arms[0], 1) as any).data).toEqual({ source: 'arithmetic', difficulty: 6, seed: 2 });
  });
});

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true) }, signal: new AbortController().signal } };
}

describe('verl train / sft', () => {
  it('--print-config shows the validated defaults (the paper settings) as YAML', async () => {
    const c = capture();
    expect(await main(['train', '--print-config', '--set', 'rollout.n=8'], c.io)).toBe(0);
    const cfg = parse(c.out.join('')) as { actor: { lr: number; clipLow: number; klCoef: number }; rollout: { n: number; temperature: number }; metrics: { stride: number; maxTokens: number } };
    expect(cfg.actor).toMatchObject({ lr: 5e-7, clipLow: 0.2, klCoef: 0.001 });
    expect(cfg.rollout).toMatchObject({ n: 8, temperature: 1 });
    expect(cfg.metrics).toMatchObject({ stride: 40, maxTokens: 512 });
    const s = capture();
    expect(await main(['sft', '--print-config'], s.io)).toBe(0);
    expect(s.out.join('')).toContain('batchSize:');
  });

  it('reports invalid configs and unreadable files clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-cfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: "a b"\nmodel: { path: x }\nactor: { lr: -1 }\n');
    const c = capture();
    expect(await main(['train', '--config', join(dir, 'bad.yaml')], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/invalid RL config:[\s\S]*name:[\s\S]*actor\.lr:/);
    writeFileSync(join(dir, 'broken.yaml'), 'name: x\nmodel: [unclosed\n');
    const b = capture();
    expect(await main(['train', '--config', join(dir, 'broken.yaml')], b.io)).toBe(1);
    expect(b.err.join('')).toContain('broken.yaml: not valid YAML/JSON');
    const m = capture();
    expect(await main(['train'], m.io)).toBe(2);
    expect(m.err.join('')).toContain('give --config FILE');
  });

  it('runs a short RL training from a JSON config and an SFT from scratch', async () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'verl-train-model-'));
    await writeTinyTestModel(modelDir);
    const out = mkdtempSync(join(tmpdir(), 'verl-train-'));
    const cfgPath = join(out, 'run.json');
    writeFileSync(cfgPath, JSON.stringify({
      name: 'tiny-rl', outputDir: out, model: { path: modelDir },
      data: { source: 'arithmetic', template: 'arithmetic', difficulty: 1, count: 32 },
      rollout: { n: 2, maxNewTokens: 6 }, actor: { lr: 1e-3, miniBatchSize: 2, microBatchSize: 4, logProbMicroBatchSize: 4 },
      metrics: { stride: 2 }, trainer: { steps: 2, promptsPerStep: 2, saveEvery: 1 },
    }));
    const c = capture();
    expect(await main(['train', '--config', cfgPath, '--set', 'algorithm.verl.enabled=true'], c.io), c.err.join('')).toBe(0);
    const lines = readFileSync(join(out, 'tiny-rl', 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, 'tiny-rl', 'config.json'), 'utf8')).algorithm.verl.enabled).toBe(true);
    expect(c.out.join('')).toContain(`verl report ${join(out, 'tiny-rl')}`);

    const sftCfg = join(out, 'sft.yaml');
    writeFileSync(sftCfg, `name: tiny-sft\noutputDir: ${out}\nmodel:\n  create: { hiddenSize: 16, intermediateSize: 32, numLayers: 1, numHeads: 2, numKvHeads: 1, headDim: 8 }\ndata: { source: arithmetic, template: arithmetic, difficulty: 1, count: 16 }\nsteps: 2\nbatchSize: 4\nmicroBatchSize: 4\nsaveEvery: 2\n`);
    const s = capture();
    expect(await main(['sft', '--config', sftCfg], s.io), s.err.join('')).toBe(0);
    expect(existsSync(join(out, 'tiny-sft', 'checkpoints', 'step-2', 'model.safetensors'))).toBe(true);
    expect(existsSync(join(out, 'tiny-sft', 'checkpoints', 'step-2', 'tokenizer.json'))).toBe(true);
  });
});

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';
import { trainingHooks } from './shared/train-progress.js';

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

  it('issue 13 point 2: resuming with --set actor.lr=… and VERL switched off is refused, naming the fields; --allow-config-change records it', async () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'verl-cfgchange-model-'));
    await writeTinyTestModel(modelDir);
    const out = mkdtempSync(join(tmpdir(), 'verl-cfgchange-'));
    const cfgPath = join(out, 'run.json');
    writeFileSync(cfgPath, JSON.stringify({
      name: 'changed', outputDir: out, model: { path: modelDir },
      data: { source: 'arithmetic', template: 'arithmetic', difficulty: 1, count: 16 },
      rollout: { n: 2, maxNewTokens: 4 }, actor: { lr: 1e-3, miniBatchSize: 2, microBatchSize: 4, logProbMicroBatchSize: 4 },
      algorithm: { verl: { enabled: true } }, metrics: { stride: 2 }, trainer: { steps: 1, promptsPerStep: 2, saveEvery: 1 },
    }));
    expect(await main(['train', '--config', cfgPath], capture().io)).toBe(0);
    const runDir = join(out, 'changed');
    const saved = readFileSync(join(runDir, 'config.json'), 'utf8');
    const sets = ['--set', 'trainer.steps=2', '--set', 'actor.lr=0.002', '--set', 'algorithm.verl.enabled=false'];
    const refused = capture();
    expect(await main(['train', '--config', cfgPath, ...sets], refused.io)).toBe(1);
    expect(refused.err.join('')).toMatch(/changed: actor\.lr 0\.001 → 0\.002, algorithm\.verl\.enabled true → false\. .*--allow-config-change/);
    expect(readFileSync(join(runDir, 'config.json'), 'utf8')).toBe(saved);
    const allowed = capture();
    expect(await main(['train', '--config', cfgPath, ...sets, '--allow-config-change'], allowed.io), allowed.err.join('')).toBe(0);
    const history = readFileSync(join(runDir, 'config-history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ step: 1, trainingFields: ['actor.lr', 'algorithm.verl.enabled'] });
    expect(JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8')).algorithm.verl.enabled).toBe(false);
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('issue 13 point 10: after a resume the ETA extrapolates from the steps run in this session', () => {
    let t = 0;
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err.push(s), true), isTTY: false }, signal: new AbortController().signal };
    const { bar, hooks, startStep } = trainingHooks(io, 'train', 10, { now: () => t });
    t = 5_000; // loading the model and data
    hooks.onStart({ startStep: 6 });
    expect(startStep()).toBe(6);
    t = 15_000; // step 7 took 10 s
    hooks.onStep({ step: 7, epoch: 0, loss: null, tokenAccuracy: 0, gradNorm: null, lr: 0, tokens: 0, skipped: false, time: { step: 10 }, tokensPerSec: 0 });
    // 3 steps left at 10 s each (counting steps 1-6, done before the resume, would say 4 s)
    expect(bar.line()).toBe('train: 70% (7/10) 10s elapsed, ETA 30s');
  });
});


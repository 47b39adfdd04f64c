import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';

describe('Ctrl-C during train', () => {
  it('stops after the running step with a checkpoint (exit 130), and the same command resumes to the end', async () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'verl-int-model-'));
    await writeTinyTestModel(modelDir);
    const out = mkdtempSync(join(tmpdir(), 'verl-int-'));
    const cfg = join(out, 'run.yaml');
    writeFileSync(cfg, `name: int\noutputDir: ${out}\nmodel: { path: ${modelDir} }\ndata: { source: arithmetic, template: arithmetic, difficulty: 1, count: 64 }\nrollout: { n: 2, maxNewTokens: 6 }\nactor: { lr: 0.001, miniBatchSize: 2, microBatchSize: 4, logProbMicroBatchSize: 4 }\nmetrics: { stride: 2 }\ntrainer: { steps: 12, promptsPerStep: 2, saveEvery: 100 }\n`);
    const metrics = join(out, 'int', 'metrics.jsonl');
    const ac = new AbortController();
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err.push(s), true) }, signal: ac.signal };
    const poll = setInterval(() => {
      if (existsSync(metrics) && readFileSync(metrics, 'utf8').length > 0) ac.abort();
    }, 5);
    const code = await main(['train', '--config', cfg], io);
    clearInterval(poll);
    expect(code, err.join('')).toBe(130);
    expect(err.join('')).toContain('Run the same command again to resume');
    const done = readFileSync(metrics, 'utf8').trim().split('\n').length;
    expect(done).toBeLessThan(12);
    expect(existsSync(join(out, 'int', 'checkpoints', `step-${done}`))).toBe(true);
    const again = { ...io, signal: new AbortController().signal };
    expect(await main(['train', '--config', cfg], again)).toBe(0);
    const steps = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
    expect(steps).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });
});

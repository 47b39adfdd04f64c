import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { StopRequest } from '../cli/interrupt.js';
import { writeTinyTestModel } from '../test-utils/tiny-model.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', '..', 'dist', 'cli.js');

async function setup(name: string, steps: number) {
  const modelDir = mkdtempSync(join(tmpdir(), 'verl-int-model-'));
  await writeTinyTestModel(modelDir);
  const out = mkdtempSync(join(tmpdir(), 'verl-int-'));
  const cfg = join(out, 'run.yaml');
  writeFileSync(cfg, `name: ${name}\noutputDir: ${out}\nmodel: { path: ${modelDir} }\ndata: { source: arithmetic, template: arithmetic, difficulty: 1, count: 64 }\nrollout: { n: 2, maxNewTokens: 6 }\nactor: { lr: 0.001, miniBatchSize: 2, microBatchSize: 4, logProbMicroBatchSize: 4 }\nmetrics: { stride: 2 }\ntrainer: { steps: ${steps}, promptsPerStep: 2, saveEvery: 100 }\n`);
  return { out, cfg, runDir: join(out, name), metrics: join(out, name, 'metrics.jsonl') };
}

function capture(signal: AbortSignal) {
  const err: string[] = [];
  return { err, io: { stdout: { write: () => true }, stderr: { write: (s: string) => (err.push(s), true) }, signal } };
}

const stepsOf = (metrics: string) => readFileSync(metrics, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);

describe('Ctrl-C / SIGTERM during train', () => {
  it('stops after the running step with a checkpoint (exit 130), and the same command resumes to the end', async () => {
    const { cfg, metrics, out } = await setup('int', 12);
    const ac = new AbortController();
    const { err, io } = capture(ac.signal);
    const poll = setInterval(() => {
      if (existsSync(metrics) && readFileSync(metrics, 'utf8').length > 0) ac.abort(new StopRequest('SIGINT'));
    }, 5);
    const code = await main(['train', '--config', cfg], io);
    clearInterval(poll);
    expect(code, err.join('')).toBe(130);
    const done = readFileSync(metrics, 'utf8').trim().split('\n').length;
    expect(done).toBeLessThan(12);
    expect(err.join('')).toContain(`stopped by SIGINT after step ${done}: checkpoint step-${done} saved in ${join(out, 'int', 'checkpoints', `step-${done}`)}. Run the same command again to resume.`);
    expect(existsSync(join(out, 'int', 'checkpoints', `step-${done}`))).toBe(true);
    const again = capture(new AbortController().signal);
    expect(await main(['train', '--config', cfg], again.io)).toBe(0);
    expect(stepsOf(metrics)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('issue 13 point 3: Ctrl-C before step 1 finishes says that nothing was saved (exit 130), and leaves no run folder', async () => {
    const { cfg, runDir } = await setup('early', 3);
    const ac = new AbortController();
    ac.abort(new StopRequest('SIGINT'));
    const { err, io } = capture(ac.signal);
    expect(await main(['train', '--config', cfg], io)).toBe(130);
    const text = err.join('');
    expect(text).toContain('stopped by SIGINT before step 1 finished: nothing was saved');
    expect(text).not.toMatch(/checkpoint (step-\d+ )?saved/);
    expect(existsSync(runDir)).toBe(false);
  });

  it('issue 13 point 3: a resumed run stopped before its next step finishes names the checkpoint it still has', async () => {
    const { cfg, runDir } = await setup('resumed', 4);
    expect(await main(['train', '--config', cfg, '--set', 'trainer.steps=2'], capture(new AbortController().signal).io)).toBe(0);
    const ac = new AbortController();
    ac.abort(new StopRequest('SIGTERM'));
    const { err, io } = capture(ac.signal);
    expect(await main(['train', '--config', cfg], io)).toBe(143);
    expect(err.join('')).toContain(`stopped by SIGTERM before step 3 finished: no new checkpoint; the newest is still step-2 in ${join(runDir, 'checkpoints', 'step-2')}.`);
  });

  it.skipIf(!existsSync(cli))('issue 13 point 3: SIGTERM to a running `verl train` (built CLI) saves a checkpoint and exits 143; the same command resumes', async () => {
    const { cfg, metrics } = await setup('term', 12);
    const child = spawn(process.execPath, [cli, 'train', '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const poll = setInterval(() => {
      if (existsSync(metrics) && readFileSync(metrics, 'utf8').length > 0) { clearInterval(poll); child.kill('SIGTERM'); }
    }, 5);
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    clearInterval(poll);
    expect(code, stderr).toBe(143);
    const done = stepsOf(metrics).length;
    expect(done).toBeLessThan(12);
    expect(stderr).toContain('Terminated (SIGTERM): finishing the current step');
    expect(stderr).toContain(`stopped by SIGTERM after step ${done}: checkpoint step-${done} saved`);
    const again = capture(new AbortController().signal);
    expect(await main(['train', '--config', cfg], again.io), again.err.join('')).toBe(0);
    expect(stepsOf(metrics)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  }, 120_000);
});

describe('SIGTERM during eval', () => {
  it('issue 13 point 3: eval stopped by SIGTERM exits 143 (128 + 15, as for train), keeping what finished', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'verl-int-eval-')), 'eval');
    const ac = new AbortController();
    ac.abort(new StopRequest('SIGTERM'));
    const { err, io } = capture(ac.signal);
    const code = await main(['eval', '--model', join(here, '..', '..', 'assets', 'tiny-arith'), '--bench', 'arithmetic', '--limit', '4', '--n', '1', '--k', '1', '--out', out], io);
    expect(code, err.join('')).toBe(143);
    expect(err.join('')).toContain('Run the same command again to resume');
  });
});

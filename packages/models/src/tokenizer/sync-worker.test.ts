import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCharTokenizer } from './char-tokenizer.js';
import { SyncTokenizerWorker, SyncWorker } from './sync-worker.js';

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('SyncWorker', () => {
  const open: { close(): void }[] = [];
  afterEach(() => open.splice(0).forEach((w) => w.close()));

  // The flake: the worker thread, preempted between storing the "answered" word and notifying,
  // delivers the notify of reply k while the caller already waits for reply k+1. Here the handler
  // notifies before every reply exists, so a caller that trusts any wake-up fails on the first call.
  it('issue 13 point 10: a wake-up that comes before the reply (a late notify) is not taken for the reply', () => {
    const early = `(data, { flag }) => {
      const word = new Int32Array(flag);
      return async (x) => {
        Atomics.notify(word, 0);
        await new Promise((r) => setTimeout(r, 2));
        Atomics.notify(word, 0);
        return x * 2;
      };
    }`;
    const w = new SyncWorker<number, number>(early, {}, 'test worker', 10_000);
    open.push(w);
    for (let i = 0; i < 50; i++) expect(w.call(i)).toBe(2 * i);
  });

  it('issue 13 point 10: the late reply of a call that timed out is not returned to the next call', () => {
    const slow = `() => async ({ id, ms }) => { await new Promise((r) => setTimeout(r, ms)); return id; }`;
    const w = new SyncWorker<{ id: string; ms: number }, string>(slow, {}, 'test worker', 100);
    open.push(w);
    expect(() => w.call({ id: 'first', ms: 400 })).toThrow(/test worker did not answer within 100 ms/);
    sleepSync(600); // the first reply is now queued on the port
    expect(w.call({ id: 'second', ms: 0 })).toBe('second');
    expect(w.call({ id: 'third', ms: 0 })).toBe('third');
  });

  it('reports errors of the handler and of its start, and use after close', () => {
    const failing = `(data) => { if (data.broken) throw new Error('cannot start'); return async (x) => { if (x < 0) throw new Error('negative'); return x; }; }`;
    const w = new SyncWorker<number, number>(failing, {}, 'test worker', 10_000);
    open.push(w);
    expect(w.call(3)).toBe(3);
    expect(() => w.call(-1)).toThrow('test worker: negative');
    expect(w.call(4)).toBe(4);
    const broken = new SyncWorker<number, number>(failing, { broken: true }, 'test worker', 10_000);
    open.push(broken);
    expect(() => broken.call(1)).toThrow('test worker: cannot start');
    w.close();
    expect(() => w.call(1)).toThrow('test worker used after close()');
  });

  it('serves a tokenizer.json round trip after round trip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-sync-worker-'));
    await writeCharTokenizer(dir, '0123456789+-*=');
    const json = readFileSync(join(dir, 'tokenizer.json'), 'utf8');
    rmSync(dir, { recursive: true, force: true });
    const t = new SyncTokenizerWorker(json, 10_000);
    open.push(t);
    for (let i = 0; i < 200; i++) {
      const ids = t.call({ op: 'encode', texts: [`${i}+7=`], addSpecialTokens: false }) as number[][];
      expect(t.call({ op: 'decode', ids, skipSpecialTokens: false })).toEqual([`${i}+7=`]);
    }
  });
});

// The worker source is CommonJS. A host started as `node --input-type=module -e …` used to hand
// that flag down: the worker failed to start and the synchronous caller waited for a reply
// forever (seen when a README example was run that way). Needs the built package.
const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'tokenizer', 'sync-worker.js');
describe('SyncWorker under --input-type=module', () => {
  it.skipIf(!existsSync(built))('starts and answers when the host runs with --input-type=module', () => {
    const script = `import { SyncWorker } from ${JSON.stringify(pathToFileURL(built).href)};
      const w = new SyncWorker('() => async (x) => x + 1', {}, 'test worker', 5000);
      console.log(w.call(41)); w.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(out.trim()).toBe('42');
  });
});

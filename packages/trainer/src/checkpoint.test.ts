import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latestCheckpoint, listCheckpoints, readManifest, writeCheckpoint } from './checkpoint.js';
import { DataCursor } from './data-cursor.js';

describe('checkpoints', () => {
  it('writes atomically with a manifest, lists complete ones and keeps the last K', async () => {
    const run = mkdtempSync(join(tmpdir(), 'ckpt-'));
    for (const step of [1, 2, 3]) {
      await writeCheckpoint(run, step, 'rl', async (dir) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'trainer_state.json'), JSON.stringify({ step }));
      }, 2);
    }
    expect((await listCheckpoints(run)).map((c) => c.step)).toEqual([2, 3]);
    const m = await readManifest(join(run, 'checkpoints', 'step-3'));
    expect(m).toMatchObject({ step: 3, kind: 'rl', files: ['trainer_state.json'] });
    // a crashed write (no manifest) is not a checkpoint
    mkdirSync(join(run, 'checkpoints', 'step-9'));
    writeFileSync(join(run, 'checkpoints', 'step-9', 'trainer_state.json'), '{}');
    expect((await latestCheckpoint(run))!.step).toBe(3);
    await expect(readManifest(join(run, 'checkpoints', 'step-9'))).rejects.toThrow(/not a complete checkpoint/);
  });
  it('leaves nothing behind when filling fails', async () => {
    const run = mkdtempSync(join(tmpdir(), 'ckpt-'));
    await expect(writeCheckpoint(run, 5, 'sft', async (dir) => {
      mkdirSync(dir, { recursive: true });
      throw new Error('disk full');
    }, 3)).rejects.toThrow('disk full');
    expect(readdirSync(join(run, 'checkpoints'))).toEqual([]);
    expect(await latestCheckpoint(run)).toBeNull();
    expect(existsSync(join(run, 'checkpoints', 'step-5'))).toBe(false);
  });
});

describe('DataCursor', () => {
  it('cursor walks epochs and resumes from its state', () => {
    const c = new DataCursor(5, 7);
    const first = c.take(3);
    const resumed = new DataCursor(5, 7, c.toJSON());
    const rest = c.take(4);
    expect(resumed.take(4)).toEqual(rest);
    const epoch0 = [...first, ...rest.slice(0, 2)];
    expect(epoch0.slice().sort()).toEqual([0, 1, 2, 3, 4]);
    expect(c.toJSON()).toEqual({ epoch: 1, offset: 2 });
    expect(() => new DataCursor(0, 1)).toThrow(RangeError);
  });
});

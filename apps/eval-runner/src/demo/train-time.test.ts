import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainSecondsOf } from './train-time.js';

describe('trainSecondsOf', () => {
  it('issue 13 point 10: a resumed run counts the steps of every session, not only the last', () => {
    const run = mkdtempSync(join(tmpdir(), 'verl-train-time-'));
    // steps 1-2 ran before an interruption, 3-4 after the resume: the file holds all four
    const lines = [1.5, 2.25, 3, 0.25].map((total, i) => JSON.stringify({ step: i + 1, time: { generate: total / 2, total } }));
    writeFileSync(join(run, 'metrics.jsonl'), lines.join('\n') + '\n');
    expect(trainSecondsOf(run)).toBe(7);
  });

  it('is 0 for a run with no metrics yet', () => {
    expect(trainSecondsOf(mkdtempSync(join(tmpdir(), 'verl-train-time-')))).toBe(0);
  });
});

import { describe, it, expect } from 'vitest';
import { buildTokenBatch, sliceTokenBatch } from './batch.js';

describe('buildTokenBatch', () => {
  it('right-pads and marks the positions that predict response tokens', () => {
    const b = buildTokenBatch([
      { promptIds: [1, 2], responseIds: [3, 4, 5] },
      { promptIds: [6], responseIds: [7] },
    ], 0);
    expect(b.length).toBe(5);
    expect(b.inputIds).toEqual([[1, 2, 3, 4, 5], [6, 7, 0, 0, 0]]);
    expect(b.attentionMask).toEqual([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]]);
    expect(b.labels).toEqual([[2, 3, 4, 5], [7, 0, 0, 0]]);
    // position 1 (token 2) predicts the first response token 3
    expect(b.lossMask).toEqual([[0, 1, 1, 1], [1, 0, 0, 0]]);
    expect(b.lossTokens).toEqual([3, 1]);
  });
  it('includePrompt trains on every next token', () => {
    const b = buildTokenBatch([{ promptIds: [1, 2], responseIds: [3] }], 0, { includePrompt: true });
    expect(b.lossMask).toEqual([[1, 1]]);
  });
  it('rejects empty prompts and batches', () => {
    expect(() => buildTokenBatch([], 0)).toThrow(RangeError);
    expect(() => buildTokenBatch([{ promptIds: [], responseIds: [1, 2] }], 0)).toThrow(/row 0 has an empty prompt/);
  });
  it('slices rows and trims shared padding', () => {
    const b = buildTokenBatch([
      { promptIds: [1, 2], responseIds: [3, 4, 5] },
      { promptIds: [6], responseIds: [7] },
    ], 0);
    const s = sliceTokenBatch(b, 1, 2);
    expect(s.inputIds).toEqual([[6, 7]]);
    expect(s.labels).toEqual([[7]]);
    expect(s.lossMask).toEqual([[1]]);
  });
});

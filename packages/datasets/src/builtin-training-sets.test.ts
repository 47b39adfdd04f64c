// Training sets of ../shared/train against its README: row counts, level split, gold = last box.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { hasShared, sharedPath } from '../../../tools/test-support/shared.js';
import { lastBoxed, listTrainingSets, loadBenchmark, loadTrainingSet } from './index.js';

describe.skipIf(!hasShared)('built-in training sets against ../shared/train', () => {
  const dataDir = hasShared ? sharedPath('train') : '';

  it('lists the three training sets', () => {
    expect(listTrainingSets()).toEqual(['math_level3to5', 'math_level1to2', 'gsm8k']);
  });

  it('math_level3to5: 8,888 rows (2,618 / 2,776 / 3,494 by level); the 2 empty golds are dropped by default', async () => {
    const all = await loadTrainingSet('math_level3to5', { dataDir, keepEmptyAnswers: true });
    expect(all).toHaveLength(8888);
    const byLevel = [3, 4, 5].map((l) => all.filter((p) => p.meta?.level === l).length);
    expect(byLevel).toEqual([2618, 2776, 3494]);
    expect(all.filter((p) => p.answer === '').map((p) => p.id)).toEqual(['train/number_theory/7115.json', 'train/number_theory/7117.json']);
    const usable = await loadTrainingSet('math_level3to5', { dataDir });
    expect(usable).toHaveLength(8886);
    expect(usable.every((p) => p.answer.trim() !== '')).toBe(true);
    expect(new Set(all.map((p) => p.id)).size).toBe(8888);
  });

  it('math_level1to2: 3,110 rows (958 / 2,152), all golds non-empty', async () => {
    const all = await loadTrainingSet('math_level1to2', { dataDir, keepEmptyAnswers: true });
    expect(all).toHaveLength(3110);
    expect([1, 2].map((l) => all.filter((p) => p.meta?.level === l).length)).toEqual([958, 2152]);
    expect(all.every((p) => p.answer.trim() !== '')).toBe(true);
  });

  it('MATH gold equals the last \\boxed{} of the solution (this package\'s extractor reproduces the file for every row)', async () => {
    for (const name of ['math_level3to5', 'math_level1to2']) {
      const text = await readFile(sharedPath('train', name, 'train.jsonl'), 'utf8');
      const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { solution: string; answer: string; unique_id: string });
      const mismatch = rows.filter((r) => (lastBoxed(r.solution) ?? '') !== r.answer).map((r) => r.unique_id);
      expect(mismatch).toEqual([]);
    }
  });

  it('gsm8k train: 7,473 rows, numeric golds, no question shared with the gsm8k benchmark', async () => {
    const train = await loadTrainingSet('gsm8k', { dataDir });
    expect(train).toHaveLength(7473);
    expect(train.every((p) => /^-?\d+(\.\d+)?$/.test(p.answer))).toBe(true);
    const test = await loadBenchmark('gsm8k', { dataDir: sharedPath('benchmarks') });
    const testQs = new Set(test.map((p) => p.question));
    expect(train.filter((p) => testQs.has(p.question))).toHaveLength(0);
  });

  it('MATH training problems do not overlap MATH-500', async () => {
    const m500 = new Set((await loadBenchmark('math500', { dataDir: sharedPath('benchmarks') })).map((p) => p.question));
    const train = await loadTrainingSet('math_level3to5', { dataDir });
    expect(train.filter((p) => m500.has(p.question))).toHaveLength(0);
  });

  it('the whole reference folder works as dataDir for both kinds', async () => {
    const root = sharedPath();
    expect(await loadTrainingSet('gsm8k', { dataDir: root, limit: 2 })).toHaveLength(2);
    expect(await loadBenchmark('gsm8k', { dataDir: root, limit: 2 })).toHaveLength(2);
  });
});

// Training sets against their documentation (fixtures/train/README.md). The repository holds the
// first rows of each file (fixtures/manifest.json records the full file's sha256 and row count);
// the full files are 15 MB and are passed with --data-dir.
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fixtureManifest, fixturePath, fixturesDir } from '../../../tools/test-support/fixtures.js';
import { getTrainingSet, lastBoxed, listTrainingSets, loadBenchmark, loadTrainingSet } from './index.js';

const EMPTY_GOLDS = ['train/number_theory/7115.json', 'train/number_theory/7117.json'];

describe('built-in training sets', () => {
  const dataDir = fixturePath('train');
  const slice = (name: string) => fixtureManifest(`train/${name}/train.jsonl`);

  it('lists the three training sets', () => {
    expect(listTrainingSets()).toEqual(['math_level3to5', 'math_level1to2', 'gsm8k']);
  });

  it('the slices come from files of the documented size (8,888 / 3,110 / 7,473 rows); gsm8k is the pinned file', () => {
    expect(slice('math_level3to5').source.rows).toBe(8888);
    expect(slice('math_level1to2').source.rows).toBe(3110);
    expect(slice('gsm8k').source.rows).toBe(7473);
    for (const name of listTrainingSets()) expect(getTrainingSet(name).rows).toBe(slice(name).source.rows);
    expect(slice('gsm8k').source.sha256).toBe(getTrainingSet('gsm8k').source!.sha256);
  });

  it('math_level3to5: the 2 empty golds are kept on request and dropped by default', async () => {
    const all = await loadTrainingSet('math_level3to5', { dataDir, keepEmptyAnswers: true });
    expect(all).toHaveLength(slice('math_level3to5').slice!.rows);
    expect(all.filter((p) => p.answer === '').map((p) => p.id)).toEqual(EMPTY_GOLDS);
    expect(all.every((p) => [3, 4, 5].includes(p.meta?.level as number))).toBe(true);
    const usable = await loadTrainingSet('math_level3to5', { dataDir });
    expect(usable).toHaveLength(all.length - 2);
    expect(usable.every((p) => p.answer.trim() !== '')).toBe(true);
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
  });

  it('math_level1to2: levels 1 and 2 only, all golds non-empty', async () => {
    const all = await loadTrainingSet('math_level1to2', { dataDir, keepEmptyAnswers: true });
    expect(all.length).toBe(slice('math_level1to2').slice!.rows);
    expect(all.every((p) => [1, 2].includes(p.meta?.level as number))).toBe(true);
    expect(all.every((p) => p.answer.trim() !== '')).toBe(true);
  });

  it("MATH gold equals the last \\boxed{} of the solution (this package's extractor reproduces every row)", async () => {
    for (const name of ['math_level3to5', 'math_level1to2']) {
      const text = await readFile(fixturePath('train', name, 'train.jsonl'), 'utf8');
      const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { solution: string; answer: string; unique_id: string });
      expect(rows.length).toBeGreaterThan(100);
      const mismatch = rows.filter((r) => (lastBoxed(r.solution) ?? '') !== r.answer).map((r) => r.unique_id);
      expect(mismatch).toEqual([]);
    }
  });

  it('gsm8k train: numeric golds, no question shared with the gsm8k benchmark', async () => {
    const train = await loadTrainingSet('gsm8k', { dataDir });
    expect(train).toHaveLength(slice('gsm8k').slice!.rows);
    expect(train.every((p) => /^-?\d+(\.\d+)?$/.test(p.answer))).toBe(true);
    const test = await loadBenchmark('gsm8k', { dataDir: fixturePath('benchmarks') });
    expect(test).toHaveLength(1319);
    const testQs = new Set(test.map((p) => p.question));
    expect(train.filter((p) => testQs.has(p.question))).toHaveLength(0);
  });

  it('MATH training problems do not overlap MATH-500', async () => {
    const m500 = new Set((await loadBenchmark('math500', { dataDir: fixturePath('benchmarks') })).map((p) => p.question));
    expect(m500.size).toBe(500);
    const train = await loadTrainingSet('math_level3to5', { dataDir });
    expect(train.filter((p) => m500.has(p.question))).toHaveLength(0);
  });

  it('a folder with benchmarks/ and train/ works as dataDir for both kinds', async () => {
    expect(await loadTrainingSet('gsm8k', { dataDir: fixturesDir, limit: 2 })).toHaveLength(2);
    expect(await loadBenchmark('gsm8k', { dataDir: fixturesDir, limit: 2 })).toHaveLength(2);
  });
});

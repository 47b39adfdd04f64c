import { describe, expect, it } from 'vitest';
import { majorityVote, meanMajorityAtK } from './majority.js';

describe('majorityVote', () => {
  const answers = ['2', '3', '2', null, '3', '3'];
  const correct = [true, false, true, false, false, false];
  it('takes the most frequent answer among the first k samples', async () => {
    expect(await majorityVote(answers, correct, 3)).toEqual({ answer: '2', votes: 2, correct: true });
    expect(await majorityVote(answers, correct, 6)).toEqual({ answer: '3', votes: 3, correct: false });
  });
  it('breaks ties by first appearance and ignores missing answers', async () => {
    expect((await majorityVote(['3', '2'], [false, true], 2)).answer).toBe('3');
    expect(await majorityVote([null, null], [false, false], 2)).toEqual({ answer: null, votes: 0, correct: false });
    expect((await majorityVote([null, '7'], [false, true], 2)).correct).toBe(true);
  });
  it('groups equivalent answers with the supplied checker', async () => {
    const numeric = (a: string, b: string) => Math.abs(evalFrac(a) - evalFrac(b)) < 1e-9;
    const r = await majorityVote(['3', '0.5', '1/2'], [false, true, true], 3, numeric);
    expect(r).toEqual({ answer: '0.5', votes: 2, correct: true });
    // without the checker, '3' wins the three-way tie by appearing first
    expect((await majorityVote(['3', '0.5', '1/2'], [false, true, true], 3)).answer).toBe('3');
  });
  it('rejects bad k', async () => {
    await expect(majorityVote(['1'], [true], 2)).rejects.toThrow(RangeError);
  });
  it('meanMajorityAtK averages over problems', async () => {
    const probs = [
      { extracted: ['1', '1', '2'], correct: [true, true, false] },
      { extracted: ['5', '4', '4'], correct: [true, false, false] },
    ];
    expect(await meanMajorityAtK(probs, 3)).toBeCloseTo(0.5, 12);
    expect(await meanMajorityAtK(probs, 1)).toBeCloseTo(1, 12);
  });
});

function evalFrac(s: string): number {
  const [a, b] = s.split('/');
  return b === undefined ? Number(a) : Number(a) / Number(b);
}

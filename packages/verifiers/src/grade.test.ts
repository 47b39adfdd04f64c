import { afterAll, describe, expect, it } from 'vitest';
import { binaryReward, goldAnswer, gradeAnswer, listsAreOrdered, paperReward } from './grade.js';
import { CasPool } from './worker-pool.js';

const pool = new CasPool(1);
afterAll(() => pool.close());
const opts = { pool, timeoutMs: 30_000 };

const mc = {
  answer: 'C',
  benchmark: 'gaokao2024_mix',
  question: '已知 \\frac{z}{\\mathrm{i}}=-1-\\mathrm{i}, 则 z=(\\quad). A. -1-\\mathrm{i} B. -1+\\mathrm{i} C. 1-\\mathrm{i} D. 1+\\mathrm{i}',
};

describe('gradeAnswer', () => {
  it('returns the contract shape', async () => {
    const r = await gradeAnswer('Thus $\\boxed{\\dfrac{14}{3}}$.', { answer: '\\frac{14}{3}' }, opts);
    expect(r).toEqual({ correct: true, extracted: '\\dfrac{14}{3}', boxed: true, reason: undefined });
    const w = await gradeAnswer('Thus $\\boxed{4.67}$.', { answer: '\\frac{14}{3}' }, opts);
    expect(w).toMatchObject({ correct: false, boxed: true, reason: 'not equivalent' });
    expect(await gradeAnswer('I do not know.', { answer: '3' }, opts)).toMatchObject({ correct: false, extracted: null, reason: 'no final answer found' });
  });

  it('multiple choice: by letter, by the option text, never by a wrong option', async () => {
    expect((await gradeAnswer('故选 C。', mc, opts)).correct).toBe(true);
    expect((await gradeAnswer('$\\boxed{1-i}$', mc, opts)).correct).toBe(true);
    expect((await gradeAnswer('$\\boxed{-i+1}$', mc, opts)).correct).toBe(true);
    expect((await gradeAnswer('$\\boxed{1+i}$', mc, opts)).correct).toBe(false);
    expect((await gradeAnswer('$\\boxed{D}$', mc, opts)).correct).toBe(false);
    expect((await gradeAnswer('$\\boxed{C}$ or $\\boxed{D}$', mc, opts)).correct).toBe(false);
    // no box, no marker: a trailing "(C)" names the choice, not the last number
    expect((await gradeAnswer('z = i(-1-i) = 1 - i, which is option (C).', mc, opts)).correct).toBe(true);
    expect((await gradeAnswer('z = 1 - i, so (D) is wrong and 2 remains', mc, opts)).correct).toBe(false);
  });

  it('multi-answer choice letters are compared as sets', async () => {
    const p = { answer: 'ABD', benchmark: 'gaokao2024_I' };
    expect((await gradeAnswer('\\boxed{ABD}', p, opts)).correct).toBe(true);
    expect((await gradeAnswer('\\boxed{D, B, A}', p, opts)).correct).toBe(true);
    expect((await gradeAnswer('\\boxed{AB}', p, opts)).correct).toBe(false);
  });

  it('a hedge between two boxed answers is wrong', async () => {
    expect((await gradeAnswer('either $\\boxed{6}$ or $\\boxed{7}$', { answer: '7' }, opts)).correct).toBe(false);
    expect((await gradeAnswer('$\\boxed{18 \\text{ or } 19}$', { answer: '18' }, opts)).correct).toBe(false);
    // the same answer written twice is not a hedge
    expect((await gradeAnswer('so $\\boxed{x+11}$ or $\\boxed{11+x}$', { answer: '11+x' }, opts)).correct).toBe(true);
    expect((await gradeAnswer('$\\boxed{C}$ or $\\boxed{D}$', { answer: 'C', benchmark: 'gaokao2024_I' }, opts)).reason).toBe('hedged between different answers');
  });

  it('accepts GSM8K worked solutions as gold, refuses an empty gold', async () => {
    expect(goldAnswer('9 * 2 = <<9*2=18>>18\n#### 18')).toBe('18');
    expect(goldAnswer(27.0)).toBe('27');
    expect((await gradeAnswer('\\boxed{18}', { answer: 'so 18\n#### 18' }, opts)).correct).toBe(true);
    expect(await gradeAnswer('\\boxed{}', { answer: '' }, opts)).toMatchObject({ correct: false, reason: 'empty gold answer' });
  });

  it('a large concurrent batch is not failed by time spent queueing for the CAS', async () => {
    await pool.warmup();
    const jobs = pool.jobs;
    const rs = await Promise.all(
      Array.from({ length: 400 }, (_, k) => gradeAnswer(`$\\boxed{\\sqrt{${4 * (k + 2)}}}$`, { answer: `2\\sqrt{${k + 2}}` }, { pool, timeoutMs: 500 })),
    );
    expect(rs.filter((r) => r.correct).length, rs.find((r) => !r.correct)?.reason).toBe(400);
    // the non-square ones went through the CAS queue (one worker here)
    expect(pool.jobs - jobs).toBeGreaterThan(300);
  });

  it('rejects a non-positive time limit', async () => {
    await expect(gradeAnswer('1', { answer: '1' }, { timeoutMs: 0 })).rejects.toThrow(RangeError);
  });

  it('decides list order from the question', () => {
    expect(listsAreOrdered({ question: 'Enter all the solutions, separated by commas.' })).toBe(false);
    expect(listsAreOrdered({ question: '高为 \\qquad mm , 升量器的高为 \\qquad mm .' })).toBe(true);
    expect(listsAreOrdered({ benchmark: 'gaokao2024_mix' })).toBe(true);
    expect(listsAreOrdered({})).toBe(false);
  });
});

describe('rewards', () => {
  const p = { answer: '42' };
  it('binaryReward is 1 or 0', async () => {
    expect(await binaryReward('\\boxed{42}', p, opts)).toBe(1);
    expect(await binaryReward('The answer is 42.', p, opts)).toBe(1);
    expect(await binaryReward('\\boxed{41}', p, opts)).toBe(0);
  });
  it('paperReward: 1 correct+boxed, 0.5 correct unboxed, -0.5 wrong boxed, -1 otherwise', async () => {
    expect(await paperReward('\\boxed{42}', p, opts)).toBe(1);
    expect(await paperReward('The answer is 42.', p, opts)).toBe(0.5);
    expect(await paperReward('\\boxed{41}', p, opts)).toBe(-0.5);
    expect(await paperReward('The answer is 41.', p, opts)).toBe(-1);
    expect(await paperReward('no idea', p, opts)).toBe(-1);
  });
});

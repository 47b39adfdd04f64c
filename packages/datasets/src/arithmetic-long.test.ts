// The long arithmetic task (level 6, ARITHMETIC_LONG_LEVEL): worked solutions long enough for the
// rank metrics' paper stride of 40 tokens (three windows need more than 120 response tokens),
// deterministic, train/test disjoint, and every rewrite a correct one-operation step.
import { describe, expect, it } from 'vitest';
import {
  ARITHMETIC_ALPHABET,
  ARITHMETIC_LEVELS,
  ARITHMETIC_LONG_LEVEL,
  ARITHMETIC_MAX_STEPS,
  arithmeticProblems,
  arithmeticSolution,
  arithmeticSplitOf,
  formatPrompt,
  lastBoxed,
  solveArithmetic,
} from './index.js';

const jsEval = (expr: string): number => Function(`"use strict"; return (${expr});`)() as number;

describe('the long arithmetic level', () => {
  it('is level 6: eleven + / - operations on 0-9', () => {
    expect(ARITHMETIC_LONG_LEVEL).toBe(6);
    expect(ARITHMETIC_LEVELS[ARITHMETIC_LONG_LEVEL]).toEqual({ steps: 11, maxOperand: 9, maxFactor: 9, operators: ['+', '-'] });
    for (const p of arithmeticProblems({ count: 300, seed: 4, difficulty: 6 })) {
      expect(p.question).toMatch(/^\d([+-]\d){11}$/);
    }
  });

  it('worked solutions are 121-250 characters (one token each), every one long enough for three stride-40 windows', () => {
    const lengths: number[] = [];
    for (const split of ['train', 'test'] as const) {
      for (const p of arithmeticProblems({ count: 2500, seed: 9, split, difficulty: ARITHMETIC_LONG_LEVEL })) {
        const sol = arithmeticSolution(p);
        lengths.push(sol.length);
        expect(lastBoxed(sol)).toBe(p.answer);
      }
    }
    lengths.sort((a, b) => a - b);
    // Bounds the README's distribution (139 / 148 / 160 over 5,000 samples) must stay inside.
    expect(lengths[0]).toBeGreaterThan(120);
    expect(lengths[lengths.length - 1]).toBeLessThanOrEqual(250);
    const median = lengths[lengths.length >> 1];
    expect(median).toBeGreaterThanOrEqual(140);
    expect(median).toBeLessThanOrEqual(156);
  });

  it('each rewrite performs the leftmost operation and keeps the value', () => {
    for (const p of arithmeticProblems({ count: 200, seed: 12, difficulty: ARITHMETIC_LONG_LEVEL })) {
      expect(Number(p.answer)).toBe(jsEval(p.question));
      const { rewrites, value } = solveArithmetic(p.question);
      expect(rewrites).toHaveLength(10);
      expect(value).toBe(Number(p.answer));
      let prev = p.question;
      for (const r of rewrites) {
        // the first number of the previous line combined with the second, the tail copied verbatim
        const m = /^(-?\d+)([+-])(\d+)(.*)$/.exec(prev)!;
        const head = m[2] === '+' ? Number(m[1]) + Number(m[3]) : Number(m[1]) - Number(m[3]);
        expect(r).toBe(`${head}${m[4]}`);
        expect(jsEval(r.replace(/--/g, '+'))).toBe(value);
        prev = r;
      }
      for (const ch of formatPrompt('arithmetic', p.question) + arithmeticSolution(p)) expect(ARITHMETIC_ALPHABET).toContain(ch);
    }
  });

  it('is deterministic in (seed, split) and its splits are disjoint', () => {
    const a = arithmeticProblems({ count: 500, seed: 3, difficulty: 6 });
    expect(arithmeticProblems({ count: 500, seed: 3, difficulty: 6 })).toEqual(a);
    expect(arithmeticProblems({ count: 100, seed: 3, difficulty: 6 })).toEqual(a.slice(0, 100));
    expect(arithmeticProblems({ count: 500, seed: 4, difficulty: 6 }).map((p) => p.question)).not.toEqual(a.map((p) => p.question));
    const train = new Set([1, 2].flatMap((seed) => arithmeticProblems({ count: 2000, seed, difficulty: 6 }).map((p) => p.question)));
    const test = [1, 2].flatMap((seed) => arithmeticProblems({ count: 500, seed, split: 'test', difficulty: 6 }).map((p) => p.question));
    expect(test.every((q) => arithmeticSplitOf(q) === 'test' && !train.has(q))).toBe(true);
    expect([...train].every((q) => arithmeticSplitOf(q) === 'train')).toBe(true);
  });

  it('pins the first held-out problems of the bundled long policy (seed 20250923, test split)', () => {
    const test = arithmeticProblems({ count: 2, seed: 20250923, split: 'test', difficulty: 6 }).map((p) => `${p.question}=${p.answer}`);
    expect(test).toMatchInlineSnapshot(`
      [
        "9+9-3-5-2+4-5+3+2+5-8+2=11",
        "1+2+6-0-4+3-4-7-6+3-1-7=-14",
      ]
    `);
  });

  it('explicit steps go up to ARITHMETIC_MAX_STEPS', () => {
    expect(ARITHMETIC_MAX_STEPS).toBe(12);
    const [p] = arithmeticProblems({ count: 1, seed: 1, steps: 12, operators: ['+'] });
    expect(p.question.match(/\+/g)).toHaveLength(12);
    expect(() => arithmeticProblems({ count: 1, seed: 1, steps: 13 })).toThrow(/steps must be an integer 1-12/);
    expect(() => arithmeticProblems({ count: 1, seed: 1, difficulty: 7 as never })).toThrow(RangeError);
  });
});

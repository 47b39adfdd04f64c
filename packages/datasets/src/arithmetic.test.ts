// The synthetic task: determinism, disjoint splits, correct worked solutions (checked against the
// JavaScript evaluator, which applies the same precedence independently), alphabet and length bounds.
import { describe, expect, it } from 'vitest';
import {
  ARITHMETIC_ALPHABET,
  ARITHMETIC_LEVELS,
  arithmeticProblems,
  arithmeticSolution,
  arithmeticSolutions,
  arithmeticSolutionStyles,
  arithmeticSplitOf,
  formatPrompt,
  lastBoxed,
  solveArithmetic,
} from './index.js';

const jsEval = (expr: string): number => Function(`"use strict"; return (${expr});`)() as number;
const LEVELS = [1, 2, 3, 4, 5] as const;

describe('arithmeticProblems', () => {
  it('is deterministic in the seed and differs across seeds', () => {
    const a = arithmeticProblems({ count: 200, seed: 7 });
    const b = arithmeticProblems({ count: 200, seed: 7 });
    expect(b).toEqual(a);
    const c = arithmeticProblems({ count: 200, seed: 8 });
    expect(c.map((p) => p.question)).not.toEqual(a.map((p) => p.question));
    // A longer request extends a shorter one: the first rows are the same.
    expect(arithmeticProblems({ count: 50, seed: 7 })).toEqual(a.slice(0, 50));
  });

  it('pins the first problems of seed 0 (the demo held-out set must not change between versions)', () => {
    const test = arithmeticProblems({ count: 3, seed: 0, split: 'test' }).map((p) => `${p.question}=${p.answer}`);
    const train = arithmeticProblems({ count: 3, seed: 0 }).map((p) => `${p.question}=${p.answer}`);
    expect({ test, train }).toMatchInlineSnapshot(`
      {
        "test": [
          "17-9*6=-37",
          "2-7-17=-22",
          "12+3*6=30",
        ],
        "train": [
          "4+3+9=16",
          "18+8+15=41",
          "13-5*1=8",
        ],
      }
    `);
  });

  it('train and test never share an expression, across seeds and levels', () => {
    for (const level of [2, 3, 4] as const) {
      const train = new Set([1, 2, 3].flatMap((seed) => arithmeticProblems({ count: 1500, seed, difficulty: level }).map((p) => p.question)));
      const test = [1, 2, 3].flatMap((seed) => arithmeticProblems({ count: 400, seed, split: 'test', difficulty: level }).map((p) => p.question));
      expect(test.filter((q) => train.has(q))).toEqual([]);
      expect(test.every((q) => arithmeticSplitOf(q) === 'test')).toBe(true);
    }
    // The split holds about the documented fraction of all expressions (level 1 has 200 in all).
    const all: string[] = [];
    for (let a = 0; a <= 9; a++) for (let b = 0; b <= 9; b++) for (const op of ['+', '-']) all.push(`${a}${op}${b}`);
    const nTest = all.filter((q) => arithmeticSplitOf(q) === 'test').length;
    expect(nTest).toBeGreaterThan(20);
    expect(nTest).toBeLessThan(60);
    expect(() => arithmeticProblems({ count: nTest + 1, seed: 1, split: 'test', difficulty: 1 })).toThrow(RangeError);
    expect(arithmeticProblems({ count: nTest, seed: 1, split: 'test', difficulty: 1 })).toHaveLength(nTest);
  });

  it('problems are distinct unless unique is false', () => {
    const ps = arithmeticProblems({ count: 1000, seed: 3, difficulty: 2 });
    expect(new Set(ps.map((p) => p.question)).size).toBe(1000);
    const rep = arithmeticProblems({ count: 1000, seed: 3, difficulty: 1, unique: false });
    expect(rep).toHaveLength(1000);
    expect(new Set(rep.map((p) => p.question)).size).toBeLessThan(200);
  });

  it('respects the difficulty settings', () => {
    for (const level of LEVELS) {
      const d = ARITHMETIC_LEVELS[level];
      for (const p of arithmeticProblems({ count: 300, seed: level, difficulty: level, unique: level !== 1 })) {
        const ops = p.question.match(/[+\-*]/g) ?? [];
        expect(ops).toHaveLength(d.steps);
        expect(ops.every((o) => (d.operators as string[]).includes(o))).toBe(true);
        expect(p.question.split(/[+\-*]/).every((n) => Number(n) <= d.maxOperand)).toBe(true);
        for (const m of p.question.matchAll(/(\d+)\*(\d+)/g)) {
          expect(Number(m[1])).toBeLessThanOrEqual(d.maxFactor);
          expect(Number(m[2])).toBeLessThanOrEqual(d.maxFactor);
        }
      }
    }
    const custom = arithmeticProblems({ count: 25, seed: 1, steps: 1, operators: ['*'], maxOperand: 5 });
    expect(custom.every((p) => /^[0-5]\*[0-5]$/.test(p.question))).toBe(true);
  });

  it('rejects bad options with RangeError', () => {
    expect(() => arithmeticProblems({ count: -1, seed: 1 })).toThrow(RangeError);
    expect(() => arithmeticProblems({ count: 1, seed: Number.NaN })).toThrow(RangeError);
    expect(() => arithmeticProblems({ count: 1, seed: 1, difficulty: 9 as never })).toThrow(RangeError);
    expect(() => arithmeticProblems({ count: 1, seed: 1, steps: 0 })).toThrow(RangeError);
    expect(() => arithmeticProblems({ count: 1, seed: 1, operators: ['/' as never] })).toThrow(RangeError);
    expect(() => arithmeticProblems({ count: 1, seed: 1, split: 'dev' as never })).toThrow(RangeError);
  });
});

describe('arithmeticSolution', () => {
  it('works examples by hand', () => {
    expect(arithmeticSolution({ question: '12+7*3' })).toBe('12+21=\\boxed{33}');
    expect(arithmeticSolution({ question: '3-12+5' })).toBe('-9+5=\\boxed{-4}');
    expect(arithmeticSolution({ question: '2*3*4-5' })).toBe('6*4-5=24-5=\\boxed{19}');
    expect(arithmeticSolution({ question: '8-2' })).toBe('\\boxed{6}');
    expect(arithmeticSolution({ question: '1+2*3=' })).toBe('1+6=\\boxed{7}');
    expect(() => arithmeticSolution({ question: 'What is 2+2?' })).toThrow(/not an arithmetic expression/);
  });

  it('every step keeps the value, removes one operation, and the box holds the answer', () => {
    for (const level of LEVELS) {
      for (const p of arithmeticProblems({ count: 400, seed: 11, difficulty: level, unique: level !== 1 })) {
        expect(Number(p.answer)).toBe(jsEval(p.question));
        const sol = arithmeticSolution(p);
        expect(lastBoxed(sol)).toBe(p.answer);
        const { rewrites } = solveArithmetic(p.question);
        const nOps = (p.question.match(/[+\-*]/g) ?? []).length;
        rewrites.forEach((r, k) => {
          expect(jsEval(r.replace(/--/g, '+'))).toBe(Number(p.answer));
          expect((r.slice(1).match(/[+\-*]/g) ?? []).length).toBe(nOps - 1 - k);
        });
      }
    }
  });

  it('prompts and solutions use only ARITHMETIC_ALPHABET and stay short', () => {
    expect(new Set(ARITHMETIC_ALPHABET).size).toBe(ARITHMETIC_ALPHABET.length);
    const used = new Set<string>();
    for (const level of LEVELS) {
      let longest = 0;
      for (const split of ['train', 'test'] as const) {
        for (const p of arithmeticProblems({ count: 1000, seed: 5, split, difficulty: level, unique: level > 1 })) {
          const text = formatPrompt('arithmetic', p.question) + arithmeticSolution(p);
          for (const ch of text) used.add(ch);
          longest = Math.max(longest, arithmeticSolution(p).length);
        }
      }
      expect(longest).toBeLessThan(40);
    }
    expect([...used].filter((ch) => !ARITHMETIC_ALPHABET.includes(ch))).toEqual([]);
    // Nothing in the alphabet is unused except the separators kept for decoding (space, newline).
    expect([...ARITHMETIC_ALPHABET].filter((ch) => !used.has(ch))).toEqual([' ', '\n']);
  });
});

describe('solution styles', () => {
  it('direct gives only the boxed value; worked is the default', () => {
    expect(arithmeticSolution({ question: '12+7*3' }, { style: 'direct' })).toBe('\\boxed{33}');
    expect(arithmeticSolution({ question: '12+7*3' }, { style: 'worked' })).toBe('12+21=\\boxed{33}');
    expect(arithmeticSolution({ question: '3-12+5' }, {})).toBe('-9+5=\\boxed{-4}');
    expect(arithmeticSolution({ question: '8-2' }, { style: 'direct' })).toBe(arithmeticSolution({ question: '8-2' }));
    expect(() => arithmeticSolution({ question: '1+2' }, { style: 'terse' as never })).toThrow(RangeError);
  });

  it('the first character tells the styles apart for two or more operations', () => {
    for (const p of arithmeticProblems({ count: 500, seed: 2, difficulty: 2 })) {
      expect(arithmeticSolution(p, { style: 'direct' })[0]).toBe('\\');
      expect(arithmeticSolution(p)[0]).toMatch(/[-0-9]/);
      expect(lastBoxed(arithmeticSolution(p, { style: 'direct' }))).toBe(p.answer);
    }
  });

  it('a seeded mixture has exactly round(fraction * count) worked solutions', () => {
    const a = arithmeticSolutionStyles(1000, { workedFraction: 0.25, seed: 3 });
    expect(a.filter((s) => s === 'worked')).toHaveLength(250);
    expect(arithmeticSolutionStyles(1000, { workedFraction: 0.25, seed: 3 })).toEqual(a);
    expect(arithmeticSolutionStyles(1000, { workedFraction: 0.25, seed: 4 })).not.toEqual(a);
    // spread over the list, not a block: each tenth holds roughly a quarter
    for (let k = 0; k < 10; k++) {
      const w = a.slice(100 * k, 100 * (k + 1)).filter((s) => s === 'worked').length;
      expect(w).toBeGreaterThan(10);
      expect(w).toBeLessThan(40);
    }
    expect(arithmeticSolutionStyles(7, { workedFraction: 0.5, seed: 0 }).filter((s) => s === 'worked')).toHaveLength(4);
    expect(arithmeticSolutionStyles(5, { workedFraction: 1, seed: 0 })).toEqual(Array(5).fill('worked'));
    expect(arithmeticSolutionStyles(5, { workedFraction: 0, seed: 0 })).toEqual(Array(5).fill('direct'));
    expect(arithmeticSolutionStyles(0, { workedFraction: 0.3, seed: 0 })).toEqual([]);
  });

  it('arithmeticSolutions applies the mixture; the default is all worked', () => {
    const ps = arithmeticProblems({ count: 40, seed: 5, difficulty: 2 });
    expect(arithmeticSolutions(ps)).toEqual(ps.map((p) => arithmeticSolution(p)));
    const styles = arithmeticSolutionStyles(40, { workedFraction: 0.3, seed: 9 });
    const mixed = arithmeticSolutions(ps, { workedFraction: 0.3, seed: 9 });
    expect(mixed.map((s) => (s.startsWith('\\') ? 'direct' : 'worked'))).toEqual(styles);
    expect(mixed.map((s) => lastBoxed(s))).toEqual(ps.map((p) => p.answer));
  });

  it('rejects a bad fraction, count or seed with RangeError', () => {
    expect(() => arithmeticSolutionStyles(10, { workedFraction: 1.5, seed: 0 })).toThrow(/workedFraction must be in \[0, 1\]/);
    expect(() => arithmeticSolutionStyles(10, { workedFraction: Number.NaN, seed: 0 })).toThrow(RangeError);
    expect(() => arithmeticSolutionStyles(-1, { workedFraction: 0.5, seed: 0 })).toThrow(RangeError);
    expect(() => arithmeticSolutionStyles(3, { workedFraction: 0.5, seed: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

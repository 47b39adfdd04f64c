// The synthetic task: determinism, disjoint splits, correct worked solutions (checked against the
// JavaScript evaluator, which applies the same precedence independently), alphabet and length bounds.
import { describe, expect, it } from 'vitest';
import {
  ARITHMETIC_ALPHABET,
  ARITHMETIC_LEVELS,
  arithmeticProblems,
  arithmeticSolution,
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

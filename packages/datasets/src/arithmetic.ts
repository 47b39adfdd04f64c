// The synthetic task of the embedded demo: integer expressions such as `12+7*3`, solved by
// rewriting one operation at a time (products first, then left to right) and boxing the value,
// e.g. prompt `12+7*3=` (template "arithmetic"), solution `12+21=\boxed{33}`. Small enough for a
// character-level model of ~1M parameters trained on 2 CPU cores; the difficulty knobs move its
// accuracy after SFT (more steps, larger operands and products are harder).
import type { Problem } from './problem.js';
import { Rng } from '@verl-ts/prng';
import { fnv1a, randInt } from './rng.js';

export type ArithmeticOperator = '+' | '-' | '*';

export interface ArithmeticDifficulty {
  /** Number of operators in the expression (1 to ARITHMETIC_MAX_STEPS). */
  steps: number;
  /** Operands are drawn from 0..maxOperand. */
  maxOperand: number;
  /** Operands of `*` are drawn from 0..min(maxFactor, maxOperand) (keeps products short). */
  maxFactor: number;
  /** Operators to draw from. */
  operators: ArithmeticOperator[];
}

/** A preset difficulty level. */
export type ArithmeticLevel = 1 | 2 | 3 | 4 | 5 | 6;

/**
 * Preset levels; 3 is the default. Levels 1-5 keep solutions under 40 characters (the embedded
 * demo's task). Level 6 is the long task (ARITHMETIC_LONG_LEVEL): eleven `+`/`-` operations on
 * 0-9, whose worked solutions are 139-160 characters (5,000 samples), so that the rank metrics' windows of 40
 * tokens (the paper's ERV/ERA stride, arXiv 2509.23808 §3) fit three times into every response.
 */
export const ARITHMETIC_LEVELS: Readonly<Record<ArithmeticLevel, ArithmeticDifficulty>> = Object.freeze({
  1: { steps: 1, maxOperand: 9, maxFactor: 9, operators: ['+', '-'] },
  2: { steps: 2, maxOperand: 9, maxFactor: 9, operators: ['+', '-', '*'] },
  3: { steps: 2, maxOperand: 20, maxFactor: 9, operators: ['+', '-', '*'] },
  4: { steps: 3, maxOperand: 20, maxFactor: 12, operators: ['+', '-', '*'] },
  5: { steps: 3, maxOperand: 99, maxFactor: 12, operators: ['+', '-', '*'] },
  // Sums and differences only: each rewrite is one one-digit operation on a running total
  // (|total| ≤ 99) plus a copy of the rest, learnable by a ~1M-parameter character model in
  // minutes; products of up to eleven factors would reach millions.
  6: { steps: 11, maxOperand: 9, maxFactor: 9, operators: ['+', '-'] },
});

/** The long task's level: worked solutions of ~140-160 characters, one token each for a character tokenizer. */
export const ARITHMETIC_LONG_LEVEL = 6;

/** Largest number of operators an expression may have (explicit `steps`). */
export const ARITHMETIC_MAX_STEPS = 12;

/** Fraction of all expressions that belong to the test split (by a fixed hash of the expression). */
export const ARITHMETIC_TEST_FRACTION = 0.2;

/**
 * Every character a prompt (template "arithmetic") or a solution of this task can contain, in a
 * fixed order, for the demo's character-level tokenizer: digits, operators, `=`, the letters and
 * braces of `\boxed{}`, space and newline.
 */
export const ARITHMETIC_ALPHABET = '0123456789+-*=\\boxed{} \n';

export interface ArithmeticOptions {
  count: number;
  seed: number;
  /** Train and test problems never share an expression (default 'train'). */
  split?: 'train' | 'test';
  /** A preset level 1-6 (default 3) or explicit settings; the fields below override either. */
  difficulty?: ArithmeticLevel | Partial<ArithmeticDifficulty>;
  steps?: number;
  maxOperand?: number;
  maxFactor?: number;
  operators?: ArithmeticOperator[];
  /** Distinct expressions only (default true); false allows repeats, e.g. many SFT samples from a small level. */
  unique?: boolean;
}

/** Resolve a difficulty option to explicit settings, checking ranges. */
export function arithmeticDifficulty(opts: Omit<ArithmeticOptions, 'count' | 'seed' | 'split'> = {}): ArithmeticDifficulty {
  const base = typeof opts.difficulty === 'object' ? { ...ARITHMETIC_LEVELS[3], ...opts.difficulty } : ARITHMETIC_LEVELS[opts.difficulty ?? 3];
  if (!base) throw new RangeError(`difficulty must be a level 1-6 or an object, got ${String(opts.difficulty)}`);
  const d: ArithmeticDifficulty = {
    steps: opts.steps ?? base.steps,
    maxOperand: opts.maxOperand ?? base.maxOperand,
    maxFactor: opts.maxFactor ?? base.maxFactor,
    operators: [...(opts.operators ?? base.operators)],
  };
  if (!Number.isInteger(d.steps) || d.steps < 1 || d.steps > ARITHMETIC_MAX_STEPS) {
    throw new RangeError(`steps must be an integer 1-${ARITHMETIC_MAX_STEPS}, got ${d.steps}`);
  }
  if (!Number.isInteger(d.maxOperand) || d.maxOperand < 1 || d.maxOperand > 999) throw new RangeError(`maxOperand must be an integer 1-999, got ${d.maxOperand}`);
  if (!Number.isInteger(d.maxFactor) || d.maxFactor < 1) throw new RangeError(`maxFactor must be a positive integer, got ${d.maxFactor}`);
  if (d.operators.length === 0 || d.operators.some((o) => o !== '+' && o !== '-' && o !== '*')) {
    throw new RangeError(`operators must be a non-empty subset of + - *, got ${JSON.stringify(d.operators)}`);
  }
  return d;
}

/** Which split an expression belongs to; a fixed function of the text, independent of seed and difficulty. */
export function arithmeticSplitOf(expression: string): 'train' | 'test' {
  return fnv1a(expression) % 1000 < ARITHMETIC_TEST_FRACTION * 1000 ? 'test' : 'train';
}

/**
 * `count` problems of one split, deterministic in (seed, split, difficulty), distinct unless
 * `unique: false`. Throws a RangeError when the split has fewer distinct expressions than `count`.
 */
export function arithmeticProblems(opts: ArithmeticOptions): Problem[] {
  const { count, seed } = opts;
  const split = opts.split ?? 'train';
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  if (split !== 'train' && split !== 'test') throw new RangeError(`split must be 'train' or 'test', got ${String(split)}`);
  const d = arithmeticDifficulty(opts);
  const unique = opts.unique ?? true;
  // Mix the split into the stream so that train and test with the same seed do not walk the same draws.
  const rng = new Rng((Math.trunc(seed) ^ (split === 'test' ? 0x5bd1e995 : 0)) >>> 0);
  const rand = () => rng.nextFloat();
  const seen = new Set<string>();
  const out: Problem[] = [];
  const maxMisses = 2000 + 50 * count;
  let misses = 0;
  while (out.length < count) {
    const expression = drawExpression(rand, d);
    if ((unique && seen.has(expression)) || arithmeticSplitOf(expression) !== split) {
      if (++misses > maxMisses) {
        throw new RangeError(`only ${out.length} distinct ${split} problems found at this difficulty (asked for ${count}); raise maxOperand or steps`);
      }
      continue;
    }
    misses = 0;
    seen.add(expression);
    const { value } = solveArithmetic(expression);
    out.push({
      id: `${split}-${seed}-${out.length}`,
      question: expression,
      answer: String(value),
      benchmark: 'arithmetic',
      meta: { split, seed, ...d },
    });
  }
  return out;
}

/**
 * How a solution is written: `worked` rewrites one operation at a time before the boxed value
 * (`12+21=\boxed{33}` for `12+7*3`), `direct` gives only the boxed value (`\boxed{33}`). The first
 * response character tells them apart (a digit or `-` versus `\`), except for one-operation
 * problems, where both are the bare boxed value.
 */
export type ArithmeticSolutionStyle = 'worked' | 'direct';

/** The solution of an arithmetic problem (default worked, e.g. `12+21=\boxed{33}` for `12+7*3`); the SFT target. */
export function arithmeticSolution(p: Pick<Problem, 'question'>, opts: { style?: ArithmeticSolutionStyle } = {}): string {
  const style = opts.style ?? 'worked';
  if (style !== 'worked' && style !== 'direct') throw new RangeError(`style must be 'worked' or 'direct', got ${String(style)}`);
  const { rewrites, value } = solveArithmetic(p.question);
  return style === 'direct' ? `\\boxed{${value}}` : [...rewrites, `\\boxed{${value}}`].join('=');
}

/**
 * A deterministic mixture of solution styles for `count` problems: exactly
 * round(workedFraction · count) `worked`, the rest `direct`, at positions chosen by a seeded
 * shuffle (mulberry32 Fisher-Yates). SFT on such a mixture gives a policy that has a reasoning
 * behaviour but uses it only some of the time, the starting point RLVR is meant to improve on.
 */
export function arithmeticSolutionStyles(count: number, opts: { workedFraction: number; seed: number }): ArithmeticSolutionStyle[] {
  const { workedFraction, seed } = opts;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!(workedFraction >= 0 && workedFraction <= 1)) throw new RangeError(`workedFraction must be in [0, 1], got ${workedFraction}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const worked = Math.round(workedFraction * count);
  const order = Array.from({ length: count }, (_, i) => i);
  // A stream of its own (seed mixed with a constant), not the problem generator's.
  const rng = new Rng((Math.trunc(seed) ^ 0x2c1b3c6d) >>> 0);
  const rand = () => rng.nextFloat();
  for (let i = count - 1; i > 0; i--) {
    const j = randInt(rand, 0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const styles = new Array<ArithmeticSolutionStyle>(count).fill('direct');
  for (let k = 0; k < worked; k++) styles[order[k]] = 'worked';
  return styles;
}

/** Solutions of `problems` in a seeded mixture of styles (arithmeticSolutionStyles); workedFraction 1 (default) = all worked. */
export function arithmeticSolutions(problems: Pick<Problem, 'question'>[], opts: { workedFraction?: number; seed?: number } = {}): string[] {
  const styles = arithmeticSolutionStyles(problems.length, { workedFraction: opts.workedFraction ?? 1, seed: opts.seed ?? 0 });
  return problems.map((p, i) => arithmeticSolution(p, { style: styles[i] }));
}

/**
 * Evaluate an expression of non-negative integers and + - * with the usual precedence, one
 * operation at a time: products left to right, then sums and differences left to right.
 * `rewrites` are the intermediate expressions (without the final value).
 */
export function solveArithmetic(expression: string): { rewrites: string[]; value: number } {
  const src = expression.trim().replace(/=$/, '');
  if (!/^\d+([+\-*]\d+)*$/.test(src)) throw new Error(`not an arithmetic expression of this task: "${expression}"`);
  const nums = src.split(/[+\-*]/).map(Number);
  const ops: string[] = src.match(/[+\-*]/g) ?? [];
  const rewrites: string[] = [];
  while (ops.length > 0) {
    let k = ops.indexOf('*');
    if (k < 0) k = 0;
    const a = nums[k];
    const b = nums[k + 1];
    const r = ops[k] === '*' ? a * b : ops[k] === '+' ? a + b : a - b;
    nums.splice(k, 2, r);
    ops.splice(k, 1);
    if (ops.length > 0) rewrites.push(render(nums, ops));
  }
  return { rewrites, value: nums[0] };
}

function render(nums: number[], ops: string[]): string {
  let s = String(nums[0]);
  for (let i = 0; i < ops.length; i++) s += ops[i] + String(nums[i + 1]);
  return s;
}

function drawExpression(rand: () => number, d: ArithmeticDifficulty): string {
  const ops: ArithmeticOperator[] = [];
  for (let i = 0; i < d.steps; i++) ops.push(d.operators[randInt(rand, 0, d.operators.length - 1)]);
  const factorMax = Math.min(d.maxFactor, d.maxOperand);
  let s = '';
  for (let i = 0; i <= d.steps; i++) {
    const inProduct = ops[i - 1] === '*' || ops[i] === '*';
    s += String(randInt(rand, 0, inProduct ? factorMax : d.maxOperand));
    if (i < d.steps) s += ops[i];
  }
  return s;
}

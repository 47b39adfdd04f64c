// gradeAnswer and the RL rewards. A check never exceeds its time limit (default 2 s): parsing
// is length-capped and depth-capped in-process, and symbolic work runs in the CAS worker pool,
// whose workers are killed at the deadline. A timeout is reported as incorrect with a reason.
import { choiceLetters, firstChoiceIn, lastChoiceMention, onlyChoiceNamed, openingChoice, optionNamedByGold, parseOptions } from './choices.js';
import { answersEquivalent, CheckTimeout, type EquivContext } from './equivalence.js';
import { extractDetailed } from './extract.js';
import { proseWords } from './extract-spans.js';
import { CasPool, sharedPool } from './worker-pool.js';

export interface Problem {
  answer: string;
  question?: string;
  benchmark?: string;
}

export interface GradeOptions {
  /** time limit of the whole check in ms (default 2000) */
  timeoutMs?: number;
  /** longest extracted answer that is compared (default 1000 characters) */
  maxAnswerChars?: number;
  /** CAS worker pool (default: a shared pool of 2 workers) */
  pool?: CasPool;
}

export interface GradeResult {
  correct: boolean;
  extracted: string | null;
  boxed: boolean;
  reason?: string;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_ANSWER_CHARS = 1000;

/**
 * The gold answer as the benchmark gives it: GSM8K solutions end in "#### N"; a gold written as
 * a solution (boxed, prose with an answer in it, or "answer is …") gives the answer extracted from it.
 */
export function goldAnswer(answer: string | number): string {
  let g = String(answer);
  const k = g.lastIndexOf('####');
  if (k >= 0) g = g.slice(k + 4);
  // "answer is 0.6666667" (AReaL's golds) states its answer like a response does
  if (/\\(?:boxed|fbox)/.test(g) || proseWords(g) >= 15 || /\banswer\s*(?:is\b|[:：])/i.test(g)) {
    const ext = extractDetailed(g);
    if (ext && ext.answer.trim()) return ext.answer.trim();
  }
  return g.trim();
}

/**
 * Whether comma-separated answers are ordered. "Enter all solutions" lists are sets; Gaokao
 * fill-in items with several blanks are ordered; otherwise lists are compared as sets.
 */
export function listsAreOrdered(problem: Pick<Problem, 'question' | 'benchmark'>): boolean {
  const q = problem.question ?? '';
  // several blanks to fill in: the answers are given in the order of the blanks
  const blanks = (q.match(/\\qquad|_{3,}|\\underline\{\s*\}/g) ?? []).length;
  if (blanks >= 2) return true;
  if (/\ball\b|separated by commas|所有|全部/i.test(q)) return false;
  if (/ordered|in order|respectively|依次|分别/i.test(q)) return true;
  return (problem.benchmark ?? '').startsWith('gaokao');
}

/** Whether the question asks for a rounded value ("to the nearest tenth", "two decimal places", 保留). */
export function asksForRounding(problem: Pick<Problem, 'question'>): boolean {
  return /nearest|round(?:ed)?\b|decimal places?|significant (?:figures|digits)|保留|精确到|四舍五入/i.test(problem.question ?? '');
}

/** Gold letters when the gold is a multiple-choice answer ("C", "BC", "\text{(C)}"). */
function goldChoice(gold: string, problem: Problem, options: Record<string, string> | null): string | null {
  // "(D) Alina", "C. x = 42": the gold names an option with its text
  const named = optionNamedByGold(gold);
  if (named) return named.letter;
  const letters = choiceLetters(gold);
  if (!letters) return null;
  if (options || (problem.benchmark ?? '').startsWith('gaokao') || /\\text\s*\{\s*\(?[A-E]\)?\s*\}/.test(gold) || /^\(?[A-E]\)?$/.test(gold.trim())) return letters;
  // several distinct option letters ("AC", "ABD"): a multiple-answer choice
  if (/^[A-E]{2,5}$/.test(gold.trim()) && new Set(gold.trim()).size === gold.trim().length) return letters;
  return null;
}

/** Grades a response against a problem's gold answer. Never rejects; never exceeds timeoutMs. */
export async function gradeAnswer(response: string, problem: Problem, opts: GradeOptions = {}): Promise<GradeResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const maxChars = opts.maxAnswerChars ?? DEFAULT_MAX_ANSWER_CHARS;
  const deadline = Date.now() + timeoutMs;
  if (typeof response !== 'string') return { correct: false, extracted: null, boxed: false, reason: 'response is not a string' };
  const gold = goldAnswer(problem.answer);
  if (!gold) return { correct: false, extracted: null, boxed: false, reason: 'empty gold answer' };
  const ext = extractDetailed(response);
  if (!ext) {
    // "Option C is correct.": no expression, but a choice is named
    const mention = goldChoice(gold, problem, parseOptions(problem.question)) ? lastChoiceMention(response) ?? openingChoice(response) ?? onlyChoiceNamed(response) : null;
    if (mention) {
      const ok = mention === goldChoice(gold, problem, parseOptions(problem.question));
      return { correct: ok, extracted: mention, boxed: false, ...(ok ? {} : { reason: 'different choice' }) };
    }
    return { correct: false, extracted: null, boxed: false, reason: 'no final answer found' };
  }
  const base = { extracted: ext.answer, boxed: ext.boxed };
  if (ext.answer.length > maxChars) return { ...base, correct: false, reason: `answer longer than ${maxChars} characters` };
  if (gold.length > 4 * maxChars) return { ...base, correct: false, reason: 'gold answer too long' };
  const ctx: EquivContext = { ordered: listsAreOrdered(problem), roundedGold: asksForRounding(problem), deadline, pool: opts.pool ?? sharedPool() };
  // "\boxed{x+11} or \boxed{11+x}" restates one answer; a real hedge ("\boxed{6} or \boxed{7}")
  // is wrong because one of its alternatives is
  if (ext.hedged && ext.parts) {
    for (const part of ext.parts) {
      const r = await gradeAnswer(`\\boxed{${part}}`, problem, { ...opts, timeoutMs: Math.max(1, deadline - Date.now()) });
      if (!r.correct) return { ...base, correct: false, reason: r.reason?.startsWith('timeout') ? r.reason : 'hedged between different answers' };
    }
    return { ...base, correct: true, reason: undefined };
  }
  try {
    const named = optionNamedByGold(gold);
    const options = parseOptions(problem.question) ?? (named ? { [named.letter]: named.text } : null);
    const goldLetters = goldChoice(gold, problem, options);
    if (goldLetters) {
      // without a box or an answer marker, a trailing "(B)" / "option B" names the choice
      const unmarked = ext.method === 'math' || ext.method === 'expression' || ext.method === 'whole';
      const mention = unmarked ? lastChoiceMention(response) : null;
      // "The answer: D, it doesn't make sense for it to be A or B": the statement's first letter
      const inStatement = ext.method === 'marker' || ext.method === 'minerva' ? firstChoiceIn(ext.answer) : null;
      const predLetters = mention ?? choiceLetters(ext.answer) ?? inStatement ?? (unmarked ? openingChoice(response) : null);
      if (predLetters) return { ...base, correct: predLetters === goldLetters, reason: predLetters === goldLetters ? undefined : 'different choice' };
      // the option's content instead of its letter
      if (options && goldLetters.length === 1 && options[goldLetters] && !ext.hedged) {
        const ok = await answersEquivalent(ext.answer, options[goldLetters], ctx);
        return { ...base, correct: ok, reason: ok ? undefined : 'not the correct option' };
      }
      return { ...base, correct: false, reason: 'no choice letter' };
    }
    const ok = await answersEquivalent(ext.answer, gold, ctx);
    return { ...base, correct: ok, reason: ok ? undefined : 'not equivalent' };
  } catch (e) {
    if (e instanceof CheckTimeout) return { ...base, correct: false, reason: e.message };
    return { ...base, correct: false, reason: `error: ${(e as Error).message}` };
  }
}

/**
 * The reward of an already graded response, so that one gradeAnswer call serves both the
 * reward and the accuracy/eval tables. binary: 1 correct, 0 otherwise. paper (issue 4):
 * 1 correct and boxed, 0.5 correct but not boxed, -0.5 wrong but boxed, -1 otherwise.
 */
export function rewardFromGrade(kind: 'paper' | 'binary', r: Pick<GradeResult, 'correct' | 'boxed'>): number {
  if (kind === 'binary') return r.correct ? 1 : 0;
  if (r.correct) return r.boxed ? 1 : 0.5;
  return r.boxed ? -0.5 : -1;
}

/** Binary reward: 1 when correct, else 0. */
export async function binaryReward(response: string, problem: Problem, opts?: GradeOptions): Promise<number> {
  return rewardFromGrade('binary', await gradeAnswer(response, problem, opts));
}

/** The paper's training reward (see rewardFromGrade). */
export async function paperReward(response: string, problem: Problem, opts?: GradeOptions): Promise<number> {
  return rewardFromGrade('paper', await gradeAnswer(response, problem, opts));
}

/** Whether two answers (not responses) are mathematically equivalent; never rejects. */
export async function isEquivalent(a: string, b: string, opts: GradeOptions & { ordered?: boolean } = {}): Promise<boolean> {
  const ctx: EquivContext = { ordered: opts.ordered ?? false, deadline: Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS), pool: opts.pool ?? sharedPool() };
  try {
    return await answersEquivalent(a, b, ctx);
  } catch {
    return false; // a timeout or a CAS failure never makes two answers equal
  }
}

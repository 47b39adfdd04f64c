// maj@k (self-consistency, Wang et al. 2022): take the first k sampled answers of a problem,
// group equivalent answers, and score the problem by the answer with the most votes. Samples
// with no extracted answer do not vote. Ties go to the answer seen first, so the result is
// deterministic. Equivalence is pluggable (the eval command passes the verifiers' checker).

export type AnswerEquality = (a: string, b: string) => boolean | Promise<boolean>;

export const exactAnswerEquality: AnswerEquality = (a, b) => normaliseForVote(a) === normaliseForVote(b);

/** Whitespace-insensitive comparison key used when no equivalence checker is supplied. */
export function normaliseForVote(a: string): string {
  return a.replace(/\s+/g, '');
}

export interface VoteResult {
  /** Representative answer of the winning group (null when no sample produced an answer). */
  answer: string | null;
  votes: number;
  /** Whether the winning group is correct (taken from its first member's grade). */
  correct: boolean;
}

/** Majority vote over the first k samples of one problem. */
export async function majorityVote(
  answers: (string | null)[],
  correct: boolean[],
  k: number,
  equal: AnswerEquality = exactAnswerEquality,
): Promise<VoteResult> {
  if (answers.length !== correct.length) throw new RangeError(`majorityVote: ${answers.length} answers but ${correct.length} grades`);
  if (!Number.isInteger(k) || k < 1 || k > answers.length) throw new RangeError(`majorityVote: k must be in [1, ${answers.length}], got ${k}`);
  const groups: { answer: string; votes: number; correct: boolean }[] = [];
  for (let i = 0; i < k; i++) {
    const a = answers[i];
    if (a === null || a === undefined) continue;
    let found = false;
    for (const g of groups) {
      if (g.answer === a || (await equal(g.answer, a))) {
        g.votes++;
        found = true;
        break;
      }
    }
    if (!found) groups.push({ answer: a, votes: 1, correct: correct[i] });
  }
  if (groups.length === 0) return { answer: null, votes: 0, correct: false };
  let best = groups[0];
  for (const g of groups) if (g.votes > best.votes) best = g;
  return { answer: best.answer, votes: best.votes, correct: best.correct };
}

/** Mean maj@k over problems. */
export async function meanMajorityAtK(
  problems: { extracted: (string | null)[]; correct: boolean[] }[],
  k: number,
  equal?: AnswerEquality,
): Promise<number> {
  if (problems.length === 0) return Number.NaN;
  let s = 0;
  for (const p of problems) if ((await majorityVote(p.extracted, p.correct, k, equal)).correct) s++;
  return s / problems.length;
}

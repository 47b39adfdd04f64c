// Acceptance: every gold answer of every benchmark is graded correct against itself inside
// \boxed{}, and every Gaokao multiple-choice gold letter is recognised.
import { afterAll, describe, expect, it } from 'vitest';
import { choiceLetters, parseOptions } from './choices.js';
import { gradeAnswer } from './grade.js';
import { BENCHMARKS, benchmarkGolds } from './test-utils/benchmarks.js';
import { CasPool } from './worker-pool.js';

const pool = new CasPool(1);
afterAll(() => pool.close());

describe('benchmark gold answers', () => {
  for (const name of BENCHMARKS) {
    it(`${name}: each gold is correct against itself in \\boxed{}`, async () => {
      const golds = benchmarkGolds(name);
      const failed: string[] = [];
      let empty = 0;
      for (const g of golds) {
        if (!g.gold.trim()) {
          // two gaokao2023en rows have an empty gold (the answer sits in the question text):
          // they cannot be graded, and must not be scored correct
          const r = await gradeAnswer('\\boxed{}', { answer: g.gold, question: g.question, benchmark: name }, { pool });
          expect(r.correct).toBe(false);
          empty++;
          continue;
        }
        const r = await gradeAnswer(`Reasoning … so the final answer is $\\boxed{${g.gold}}$.`, { answer: g.gold, question: g.question, benchmark: name }, { pool, timeoutMs: 5000 });
        if (!r.correct) failed.push(`${g.id}: ${JSON.stringify(g.gold)} -> ${r.reason}`);
      }
      expect(failed, failed.join('\n')).toEqual([]);
      expect(empty).toBe(name === 'gaokao2023en' ? 2 : 0);
    });
  }

  it('recognises every Gaokao multiple-choice gold (boxed letter, 故选, "The answer is"), and rejects other letters', async () => {
    let n = 0;
    for (const name of ['gaokao2024_I', 'gaokao2024_II', 'gaokao2024_mix']) {
      for (const g of benchmarkGolds(name).filter((x) => x.choice)) {
        const problem = { answer: g.gold, question: g.question, benchmark: name };
        expect(parseOptions(g.question), `${name} ${g.id} options`).not.toBeNull();
        for (const resp of [`\\boxed{${g.gold}}`, `综上所述，故选${g.gold}。`, `The answer is ${g.gold.split('').join(', ')}.`]) {
          const r = await gradeAnswer(resp, problem, { pool });
          expect(r.correct, `${name} ${g.id}: ${resp}`).toBe(true);
        }
        const wrong = g.gold.length === 1 ? (g.gold === 'A' ? 'B' : 'A') : g.gold.slice(1);
        expect((await gradeAnswer(`\\boxed{${wrong}}`, problem, { pool })).correct).toBe(false);
        expect(choiceLetters(g.gold)).toBe(g.gold);
        n++;
      }
    }
    expect(n).toBe(11 + 11 + 55); // 8 single + 3 multi per 2024 paper; 55 lettered mix rows
  });
});

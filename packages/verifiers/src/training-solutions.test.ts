// A realistic extraction + equivalence workload: the worked solutions of the MATH training
// sets (the paper's RL data; the repository keeps slices: 200 rows of levels 1-2 and 302 of
// levels 3-5, see fixtures/manifest.json) graded against their own `answer`. The only misses allowed are
// solutions that box several answers (the dataset's `answer` keeps just the last one, e.g.
// "the points are \boxed{(-2,18)} and \boxed{(8,38)}") and rows with an empty answer.
import { afterAll, describe, expect, it } from 'vitest';
import { extractDetailed } from './extract.js';
import { gradeAnswer } from './grade.js';
import { readJsonl } from './test-utils/benchmarks.js';
import { CasPool } from './worker-pool.js';

const pool = new CasPool(1);
afterAll(() => pool.close());

interface Row {
  problem: string;
  solution: string;
  answer: string;
}

describe('MATH training solutions graded against their own answers', () => {
  for (const set of ['math_level1to2', 'math_level3to5']) {
    it(set, async () => {
      const rows = readJsonl<Row>('train', set, 'train.jsonl');
      const unexplained: string[] = [];
      let correct = 0;
      for (const r of rows) {
        const g = await gradeAnswer(r.solution, { answer: r.answer, question: r.problem }, { pool, timeoutMs: 10_000 });
        if (g.correct) {
          correct++;
          continue;
        }
        const several = (extractDetailed(r.solution)?.parts?.length ?? 1) > 1;
        if (!several && r.answer.trim() !== '') unexplained.push(`${JSON.stringify(r.answer)} <- ${JSON.stringify(g.extracted)}: ${g.reason}`);
      }
      console.log(`${set}: ${correct}/${rows.length} solutions graded correct`);
      expect(unexplained, unexplained.join('\n')).toEqual([]);
      // the slices hold a handful of several-box solutions (3 of the 302 level 3-5 rows)
      expect(correct / rows.length).toBeGreaterThan(0.985);
    });
  }

  // The same solutions with every \boxed{…} replaced by its content read like unboxed model
  // output (align displays, derivations, prose with numbers after the answer): the unmarked
  // extraction must still find the answer in most of them. The misses are solutions whose
  // answer sits mid-text once unboxed ("There are only $2$, namely 25 and 36.").
  it('unboxed: the answer is still found in ≥ 88% of the solutions', async () => {
    let n = 0;
    let correct = 0;
    for (const set of ['math_level1to2', 'math_level3to5']) {
      for (const r of readJsonl<Row>('train', set, 'train.jsonl')) {
        if (!r.answer.trim()) continue;
        const unboxed = r.solution.replace(/\\boxed\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}/g, '$1');
        expect(unboxed).not.toContain('\\boxed');
        n++;
        if ((await gradeAnswer(unboxed, { answer: r.answer, question: r.problem }, { pool, timeoutMs: 10_000 })).correct) correct++;
      }
    }
    console.log(`unboxed solutions: ${correct}/${n} graded correct`);
    expect(correct / n).toBeGreaterThanOrEqual(0.88);
  });
});

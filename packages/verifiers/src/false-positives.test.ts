// False-positive guard: different gold answers of the benchmarks must not be judged equal.
// Deterministic pairs, each gold against eight others (the golds of the benchmark files in the
// repository: olympiadbench is a slice of 80 of its 675 rows, so each gold meets eight others
// rather than six to keep more than 19 000 pairs); the only pairs judged equal are ones that
// really are the same value.
import { afterAll, describe, expect, it } from 'vitest';
import { freeSymbols } from './ast.js';
import { exactValue, floatValue } from './evaluate.js';
import { gradeAnswer, isEquivalent } from './grade.js';
import { normalizeAnswer } from './normalize.js';
import { parseExpression } from './parse.js';
import { BENCHMARKS, benchmarkGolds } from './test-utils/benchmarks.js';
import { CasPool } from './worker-pool.js';

const pool = new CasPool(1);
afterAll(() => pool.close());

describe('distinct benchmark golds', () => {
  it('are not judged equivalent unless they are the same value', async () => {
    const golds = BENCHMARKS.flatMap((b) => benchmarkGolds(b).filter((g) => !g.choice && g.gold.trim()).map((g) => g.gold));
    const equal: string[] = [];
    let pairs = 0;
    for (let i = 0; i < golds.length; i++) {
      for (let d = 1; d <= 8; d++) {
        const j = (i * 7 + d * 131) % golds.length;
        if (j === i) continue;
        pairs++;
        if ((await isEquivalent(golds[i], golds[j], { pool, timeoutMs: 10_000 })) && golds[i].replace(/\s/g, '') !== golds[j].replace(/\s/g, '')) {
          equal.push(`${golds[i]} == ${golds[j]}`);
        }
      }
    }
    console.log(`${pairs} pairs of distinct golds`);
    expect(pairs).toBeGreaterThan(19_000);
    // each is one value written two ways: a decimal point, a degree sign, a unit, a label
    expect(equal.sort()).toEqual([
      '1.0 == 1', '1.0 == 1', '13.0 == 13', '20 == 20 cm^{2}', '30 == 30^\\circ', '30^\\circ == 30',
      '5 == x=5', '5.0 == 5', '6 == 6.0', '7 == 7.0', '7.0 == 7', '8.0 == 8', '9 == 9.0',
    ]);
  });

  // The extraction rules (statements, Minerva, prose) must never accept more than the
  // equivalence of the bare answers does: a wrapped wrong gold stays wrong.
  it('wrapped in a response (x = …, Minerva, prose), another gold passes only if it is the same value', async () => {
    const golds = BENCHMARKS.flatMap((b) => benchmarkGolds(b).filter((g) => !g.choice && g.gold.trim()).map((g) => g.gold));
    const wrappers = [
      (a: string) => `So the answer is $x = ${a}$.`,
      (a: string) => `Final Answer: The final answer is $${a}$. I hope it is correct.`,
      (a: string) => `After simplifying everything we get ${a}`,
    ];
    const extra: string[] = [];
    let n = 0;
    let accepted = 0;
    for (let i = 0; i < golds.length; i++) {
      for (let d = 1; d <= 2; d++) {
        const j = (i * 7 + d * 131) % golds.length;
        if (j === i) continue;
        for (const wrap of wrappers) {
          n++;
          const r = await gradeAnswer(wrap(golds[j]), { answer: golds[i] }, { pool, timeoutMs: 10_000 });
          if (r.correct) accepted++;
          if (r.correct && !(await isEquivalent(golds[j], golds[i], { pool, timeoutMs: 10_000 }))) extra.push(`${golds[j]} accepted for ${golds[i]} in ${JSON.stringify(wrap('…'))}`);
        }
      }
    }
    console.log(`${n} wrapped pairs, ${accepted} accepted (same value)`);
    expect(n).toBeGreaterThan(15_900);
    // the same value written another way is still accepted through every wrapper (6 / 6.0, …)
    expect(accepted).toBeGreaterThan(0);
    expect(extra).toEqual([]);
  });

  it('an answer that merely contains the gold number is wrong', async () => {
    const ints = [...new Set(BENCHMARKS.flatMap((b) => benchmarkGolds(b).map((g) => g.gold.trim())).filter((g) => /^\d+$/.test(g) && g !== '0' && g !== '1'))];
    const around = [(g: string) => `\\frac{1}{${g}}`, (g: string) => `${g}\\sqrt{2}`, (g: string) => `${g}x`, (g: string) => `(${g}, ${g}1)`, (g: string) => `${g}^{2}`, (g: string) => `1${g}`];
    const passed: string[] = [];
    for (const g of ints) {
      for (const f of around) {
        for (const resp of [`Therefore $\\boxed{${f(g)}}$.`, `so we obtain $${f(g)}$.`]) {
          if ((await gradeAnswer(resp, { answer: g }, { pool })).correct) passed.push(`${resp} for ${g}`);
        }
      }
    }
    console.log(`${ints.length * around.length * 2} responses that contain an integer gold`);
    expect(ints.length).toBeGreaterThan(300);
    expect(passed).toEqual([]);
  });

  // decimal-approximation.ts `approximatesIrrational`: a decimal of an irrational gold passes
  // only with ≥ 4 places, rounded or truncated; coarser, off-by-one-unit and integer answers fail
  it('decimals of the irrational golds pass only when fine and correctly rounded or truncated', async () => {
    const golds = [...new Set(BENCHMARKS.flatMap((b) => benchmarkGolds(b).filter((g) => !g.choice).map((g) => g.gold.trim())))];
    const irrational: { gold: string; x: number }[] = [];
    for (const gold of golds) {
      try {
        const n = parseExpression(normalizeAnswer(gold));
        const x = floatValue(n, {});
        if (!freeSymbols(n).length && !exactValue(n) && Number.isFinite(x) && Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6) irrational.push({ gold, x });
      } catch {
        // not an expression (text, sets, intervals): not a candidate
      }
    }
    const wrong: string[] = [];
    let rightPassed = 0;
    for (const { gold, x } of irrational) {
      const rounded6 = x.toFixed(6);
      const off = (x + Math.sign(x) * 2e-4).toFixed(4); // two units off in the 4th place
      for (const [resp, want] of [[rounded6, true], [x.toFixed(2), false], [off, false], [String(Math.round(x)), false]] as const) {
        const r = await gradeAnswer(`Therefore the answer is $\\boxed{${resp}}$.`, { answer: gold }, { pool });
        if (r.correct && want) rightPassed++;
        if (r.correct !== want) wrong.push(`${resp} for ${gold}: ${r.correct}`);
      }
    }
    console.log(`${irrational.length} irrational golds, ${rightPassed} six-place decimals accepted`);
    expect(irrational.length).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});

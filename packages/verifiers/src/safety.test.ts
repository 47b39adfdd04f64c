// Pathological answers must come back within the time limit, reported incorrect with a reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeAnswer } from './grade.js';
import { CasPool } from './worker-pool.js';

const pool = new CasPool(1);
beforeAll(() => pool.warmup());
afterAll(() => pool.close());

const LIMIT = 2000;
// wall-clock slack for a loaded 2-core CI machine (terminate + message round trip)
const SLACK = 1500;

function nested(depth: number): string {
  let s = '1';
  for (let k = 0; k < depth; k++) s = `\\frac{1}{1+${s}}`;
  return s;
}

const cases: { name: string; response: string; gold: string; expectReason?: RegExp }[] = [
  { name: 'power tower 9^{9^{9^{9}}}', response: 'so $\\boxed{9^{9^{9^{9}}}}$', gold: '3\\sqrt{13}' },
  { name: 'power tower against itself minus itself', response: '\\boxed{9^{9^{9^{9}}} - 9^{9^{9^{9}}} + \\sqrt{2}}', gold: '\\sqrt{2}' },
  { name: 'factorial of a googol (CAS would loop for ever)', response: '\\boxed{\\frac{(10^{100})!}{(10^{100})!}}', gold: '1', expectReason: /timeout/ },
  { name: '100k characters of text', response: 'x + '.repeat(25_000), gold: '5' },
  { name: '100k characters inside \\boxed{}', response: `\\boxed{${'1+'.repeat(50_000)}1}`, gold: '5', expectReason: /longer than/ },
  { name: 'unbalanced braces', response: `\\boxed{\\frac{1}{2${'{'.repeat(50_000)}`, gold: '\\frac{1}{2}' },
  { name: 'deeply nested fractions (500)', response: `\\boxed{${nested(500)}}`, gold: '\\frac{1}{2}' },
  { name: 'deeply nested parentheses', response: `\\boxed{${'('.repeat(400)}1${')'.repeat(400)}}`, gold: '1' },
  { name: 'huge exact powers multiplied', response: `\\boxed{${'10^{9000}'.repeat(100)}}`, gold: '1' },
  { name: 'long unordered list', response: `\\boxed{${Array.from({ length: 300 }, (_, k) => `\\sqrt{${k + 2}}`).join(',')}}`, gold: Array.from({ length: 300 }, (_, k) => `\\sqrt{${k + 3}}`).join(','), expectReason: /./ },
];

describe('pathological inputs return within the time limit', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const t0 = Date.now();
      const r = await gradeAnswer(c.response, { answer: c.gold }, { pool, timeoutMs: LIMIT, maxAnswerChars: 5000 });
      const dt = Date.now() - t0;
      expect(dt).toBeLessThan(LIMIT + SLACK);
      expect(r.correct).toBe(false);
      expect(r.reason).toBeTruthy();
      if (c.expectReason) expect(r.reason).toMatch(c.expectReason);
    });
  }

  it('a worker killed for a timeout is replaced and the next check succeeds', async () => {
    const before = pool.kills;
    const r1 = await gradeAnswer('\\boxed{\\frac{(10^{100})!}{(10^{100})!}}', { answer: '1' }, { pool, timeoutMs: 500 });
    expect(r1.reason).toMatch(/timeout/);
    expect(pool.kills).toBe(before + 1);
    const r2 = await gradeAnswer('\\boxed{\\sqrt{242}}', { answer: '11\\sqrt2' }, { pool, timeoutMs: 60_000 });
    expect(r2.correct).toBe(true);
  });
});

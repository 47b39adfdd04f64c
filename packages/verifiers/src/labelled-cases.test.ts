// Acceptance: agreement with our own labelled cases (cases/labelled-cases.jsonl, written in the
// style of real model outputs by cases/make-cases.mjs), printed per category and overall as
// the README table. Every case must agree: a disagreement is a wrong reward.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { gradeAnswer } from './grade.js';
import { CasPool } from './worker-pool.js';

interface LabelledCase {
  category: string;
  style: string;
  gold: string;
  response: string;
  correct: boolean;
  question?: string;
  note: string;
}

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'cases', 'labelled-cases.jsonl');
const cases = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as LabelledCase);

const pool = new CasPool(1);
afterAll(() => pool.close());

describe('labelled-cases.jsonl', () => {
  it('has at least 400 cases, both verdicts in every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    const cats = new Map<string, Set<boolean>>();
    for (const c of cases) cats.set(c.category, (cats.get(c.category) ?? new Set()).add(c.correct));
    for (const [cat, verdicts] of cats) expect(verdicts.size, `${cat} has only ${[...verdicts]} cases`).toBe(2);
  });

  it('agrees with every label (printed per category)', async () => {
    await pool.warmup();
    const stats = new Map<string, { n: number; ok: number }>();
    const misses: string[] = [];
    for (const c of cases) {
      const r = await gradeAnswer(c.response, { answer: c.gold, question: c.question }, { pool, timeoutMs: 5000 });
      const s = stats.get(c.category) ?? { n: 0, ok: 0 };
      s.n++;
      if (r.correct === c.correct) s.ok++;
      else misses.push(`[${c.category}/${c.style}] expected ${c.correct}, got ${r.correct}: gold ${JSON.stringify(c.gold)}, extracted ${JSON.stringify(r.extracted)} (${r.reason ?? ''})`);
      stats.set(c.category, s);
    }
    const total = [...stats.values()].reduce((a, s) => ({ n: a.n + s.n, ok: a.ok + s.ok }), { n: 0, ok: 0 });
    const lines = ['| category | cases | agree |', '|---|---|---|'];
    for (const [cat, s] of [...stats.entries(), ['all', total] as const]) lines.push(`| ${cat} | ${s.n} | ${s.ok}/${s.n} (${((100 * s.ok) / s.n).toFixed(1)}%) |`);
    console.log(lines.join('\n'));
    expect(misses, misses.join('\n')).toEqual([]);
  });
});

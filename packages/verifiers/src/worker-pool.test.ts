import { describe, expect, it } from 'vitest';
import { CasPool } from './worker-pool.js';

describe('CasPool (eval worker running from TypeScript sources)', () => {
  it('evaluates with 64-digit precision and rejects rounded values', async () => {
    const pool = new CasPool(1);
    const r = await pool.run(
      {
        pairs: [
          { a: 'sqrt(117)', b: '3 * sqrt(13)', mode: 'equal' },
          { a: '(9 / (4 * sqrt(3)))', b: '(3 * sqrt(3) / 4)', mode: 'equal' },
          { a: 'pi', b: '(314159265358979/100000000000000)', mode: 'equal' },
          { a: '1 + i * sqrt(3)', b: 'sqrt(3) * i + 1', mode: 'equal' },
          { a: 'cos(v0) / sin(v0)', b: 'cot(v0)', mode: 'equal' },
          { a: '(v0 - 5)', b: '(2 * v0 - 10)', mode: 'proportional' },
          { a: '(v0 - 5)', b: '(v0 + 5)', mode: 'proportional' },
        ],
        points: [{ v0: 0.7 }, { v0: 1.3 }, { v0: 1.9 }],
      },
      20_000,
    );
    expect(r).toMatchObject({ ok: true, results: [true, true, false, true, true, true, false] });
    await pool.close();
  });

  it('kills a runaway job at its deadline and re-spawns for the next one', async () => {
    const pool = new CasPool(1);
    await pool.warmup();
    const t0 = Date.now();
    // a job that cannot finish quickly: a huge product of factorials at 64-digit precision
    const slow = Array.from({ length: 4000 }, () => ({ a: 'sum(1:200000)', b: '1', mode: 'equal' as const }));
    const r = await pool.run({ pairs: slow, points: [{}] }, 300);
    const dt = Date.now() - t0;
    expect(r.ok).toBe(false);
    expect(dt).toBeLessThan(1500);
    expect(pool.kills).toBe(1);
    const again = await pool.run({ pairs: [{ a: '2', b: '4/2', mode: 'equal' }], points: [{}] }, 20_000);
    expect(again).toMatchObject({ ok: true, results: [true] });
    expect(pool.spawns).toBe(2);
    await pool.close();
  });
});

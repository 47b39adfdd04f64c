// False-positive guard: different gold answers of the benchmarks must not be judged equal.
// Deterministic pairs, each gold against eight others (the golds of the benchmark files in the
// repository: olympiadbench is a slice of 80 of its 675 rows, so each gold meets eight others
// rather than six to keep more than 19 000 pairs); the only pairs judged equal are ones that
// really are the same value.
import { afterAll, describe, expect, it } from 'vitest';
import { isEquivalent } from './grade.js';
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
});

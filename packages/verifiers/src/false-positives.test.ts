// False-positive guard: different gold answers of the benchmarks must not be judged equal.
// 19 560 deterministic pairs (each gold against six others); the only pairs judged equal are
// ones that really are the same value.
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
      for (let d = 1; d <= 6; d++) {
        const j = (i * 7 + d * 131) % golds.length;
        if (j === i) continue;
        pairs++;
        if ((await isEquivalent(golds[i], golds[j], { pool, timeoutMs: 10_000 })) && golds[i].replace(/\s/g, '') !== golds[j].replace(/\s/g, '')) {
          equal.push(`${golds[i]} == ${golds[j]}`);
        }
      }
    }
    expect(pairs).toBeGreaterThan(19_000);
    expect(equal.sort()).toEqual(['2 == +2', '36 == 36^\\circ', '50.0 == 50', '6 == 6.0', '8.0 == 8', '9.0 == 9']);
  });
});

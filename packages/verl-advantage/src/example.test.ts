import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';
// The README's runnable example (examples/shape-toy-batch.mjs), checked against the hand-computed
// numbers of shaper.default.test.ts / shaper.reference.test.ts (step 2 of the same toy run).
import { shapeToyBatch } from '../examples/shape-toy-batch.mjs';

const A = 0.7071057811879616;

describe('README example', () => {
  it('default mode: bonus on every response token', () => {
    const r = shapeToyBatch('default');
    expect(r.advantages[0]).toBeCloseTo(0.7366753964612769, 12);
    expect(r.tokens[0]).toEqual([r.advantages[0], r.advantages[0], r.advantages[0], 0]);
    r.tokens[2].forEach((x) => expect(x).toBeCloseTo(-A, 14)); // aux < 0: no bonus
  });

  it('reference mode: bonus on the final response token only', () => {
    const r = shapeToyBatch('reference');
    expect(r.tokens[0][0]).toBeCloseTo(A, 14);
    expect(r.tokens[0][2]).toBeCloseTo(1.5 * A, 14);
    expect(r.tokens[1][0]).toBeCloseTo(-A, 14);
    expect(r.tokens[1][1]).toBeCloseTo(-A / 2, 14); // the last unmasked token
    expect(r.tokens[1].slice(2).map(Math.abs)).toEqual([0, 0]);
  });
});

describe('README snippet', () => {
  it('runs as written (its import replaced by this package) and prints the step-2 numbers', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const importLine = /^import \{([^}]*)\} from '@verl-ts\/verl-advantage';$/m.exec(block);
    expect(importLine).not.toBeNull();
    const names = importLine![1].split(',').map((x) => x.trim());
    const body = block.replace(importLine![0], '');
    const logs: unknown[][] = [];
    const fakeConsole = { log: (...args: unknown[]) => logs.push(args) };
    const values = names.map((n) => (api as Record<string, unknown>)[n]);
    new Function(...names, 'console', body)(...values, fakeConsole);
    expect(logs).toHaveLength(2);
    const [advantages, tauMean] = logs[1] as [number[], number];
    expect(advantages[0]).toBeCloseTo(0.7366753964612769, 12);
    expect(tauMean).toBeCloseTo((0.9525740590574315 + 0.731058480324076 + 0.04742594094256852 + 0.9990889456198212) / 4, 12);
  });
});

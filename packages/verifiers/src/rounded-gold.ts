// Used only when the question asks for a rounded value (grade.ts asksForRounding).
// A gold written as a rounded decimal ("33.3", "7.78": "to the nearest tenth/cent") is matched
// by an exact answer that rounds to it at the gold's precision (\frac{100}{3}, \frac{70}{9}) or
// by a longer decimal that does. The other direction stays wrong: a rounded prediction of an
// exact gold (4.67 for \frac{14}{3}) is not the answer. Golds ending in 0 ("27.0", AMC style)
// are integers or exact values and are not taken as rounded.
import { freeSymbols } from './ast.js';
import { floatValue } from './evaluate.js';
import { parseExpression } from './parse.js';

const ROUNDED = /^-?\d+\.(\d*[1-9])$/;

export function matchesRoundedGold(pred: string, gold: string): boolean {
  const g = ROUNDED.exec(gold.trim());
  if (!g) return false;
  const places = g[1].length;
  const p = pred.trim();
  const decimal = /^-?\d*\.(\d+)$/.exec(p);
  if (decimal && decimal[1].length <= places) return false; // an equally short decimal: compared exactly
  if (/^-?\d+$/.test(p)) return false;
  let v: number;
  try {
    const n = parseExpression(p);
    if (freeSymbols(n).length) return false;
    v = floatValue(n, {});
  } catch {
    return false;
  }
  if (!Number.isFinite(v)) return false;
  const target = Number(gold);
  // half a unit in the last place, with a little room for binary rounding of the value
  return Math.abs(v - target) <= 0.5 * 10 ** -places * (1 + 1e-9);
}

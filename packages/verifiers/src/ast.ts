// Expression tree produced by `parse.ts` from a LaTeX or plain-text answer.
import type { Rational } from './rational.js';

export type Node =
  | { t: 'num'; v: Rational }
  | { t: 'sym'; name: string }
  | { t: 'const'; name: 'pi' | 'e' | 'i' | 'inf' }
  | { t: 'add'; a: Node[] }
  | { t: 'mul'; a: Node[] }
  | { t: 'div'; n: Node; d: Node }
  | { t: 'neg'; x: Node }
  | { t: 'pow'; b: Node; e: Node }
  | { t: 'fn'; name: string; args: Node[] }
  /** a ± b (sign 1) or a ∓ b (sign -1); a prefix ± has a = 0 */
  | { t: 'pm'; a: Node; b: Node; sign: 1 | -1 }
  | { t: 'rel'; ops: RelOp[]; args: Node[] }
  /** bracketed list: tuple, interval, or point; open/close kept for interval end types */
  | { t: 'brk'; open: '(' | '['; close: ')' | ']'; items: Node[] }
  | { t: 'set'; items: Node[] }
  | { t: 'setb'; v: Node; cond: Node }
  | { t: 'union'; parts: Node[] }
  | { t: 'pct'; x: Node }
  | { t: 'matrix'; rows: Node[][] };

export type RelOp = '=' | '<' | '>' | '<=' | '>=' | '!=' | 'in' | '~';

export const num = (v: Rational): Node => ({ t: 'num', v });

/** Walks the tree; the callback returns false to stop descending. */
export function walk(n: Node, f: (n: Node) => boolean | void): void {
  if (f(n) === false) return;
  switch (n.t) {
    case 'add':
    case 'mul':
      n.a.forEach((c) => walk(c, f));
      break;
    case 'div':
      walk(n.n, f);
      walk(n.d, f);
      break;
    case 'neg':
      walk(n.x, f);
      break;
    case 'pct':
      walk(n.x, f);
      break;
    case 'pow':
      walk(n.b, f);
      walk(n.e, f);
      break;
    case 'fn':
      n.args.forEach((c) => walk(c, f));
      break;
    case 'pm':
      walk(n.a, f);
      walk(n.b, f);
      break;
    case 'rel':
      n.args.forEach((c) => walk(c, f));
      break;
    case 'brk':
    case 'set':
      n.items.forEach((c) => walk(c, f));
      break;
    case 'setb':
      walk(n.v, f);
      walk(n.cond, f);
      break;
    case 'union':
      n.parts.forEach((c) => walk(c, f));
      break;
    case 'matrix':
      n.rows.forEach((r) => r.forEach((c) => walk(c, f)));
      break;
    default:
      break;
  }
}

/** Free variable names in a scalar expression (sorted). */
export function freeSymbols(n: Node): string[] {
  const s = new Set<string>();
  walk(n, (x) => {
    if (x.t === 'sym') s.add(x.name);
  });
  return [...s].sort();
}

export function nodeSize(n: Node): number {
  let k = 0;
  walk(n, () => {
    k++;
  });
  return k;
}

// Intervals and unions: from bracket pairs `(a, b]`, unions `A \cup B`, inequality chains on
// one variable (`-2 < a < 1`, `x \geq 2`) and set-builder sets (`\{x \mid -3 < x < 4\}`).
// Endpoint types are compared (grader.py ignores them: `[3,4]` equals `(3,4]` there).
import type { Node, RelOp } from './ast.js';
import { floatValue } from './evaluate.js';
import { isLabel } from './statements.js';

export interface Interval {
  lo: Node;
  hi: Node;
  loClosed: boolean;
  hiClosed: boolean;
}

const INF: Node = { t: 'const', name: 'inf' };
const NEG_INF: Node = { t: 'neg', x: INF };

export function isInfinite(n: Node): boolean {
  if (n.t === 'const' && n.name === 'inf') return true;
  if (n.t === 'neg') return isInfinite(n.x);
  return false;
}

function flip(op: RelOp): RelOp {
  return op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : op === '>=' ? '<=' : op;
}

/** Interval(s) a node denotes, or null when it is not interval-like. */
export function toIntervals(n: Node, allowBrackets = true): Interval[] | null {
  switch (n.t) {
    case 'brk':
      if (!allowBrackets || n.items.length !== 2) return null;
      return [{ lo: n.items[0], hi: n.items[1], loClosed: n.open === '[', hiClosed: n.close === ']' }];
    case 'union': {
      const out: Interval[] = [];
      for (const p of n.parts) {
        const r = p.t === 'set' ? p.items.map((x) => ({ lo: x, hi: x, loClosed: true, hiClosed: true })) : toIntervals(p, true);
        if (!r) return null;
        out.push(...r);
      }
      return out;
    }
    case 'rel':
      return relToIntervals(n);
    case 'setb':
      return n.cond.t === 'rel' ? relToIntervals(n.cond, n.v) : null;
    default:
      return null;
  }
}

function isAbsOfSym(n: Node): boolean {
  return n.t === 'fn' && n.name === 'abs' && n.args.length === 1 && n.args[0].t === 'sym';
}

function sameSym(a: Node, b: Node): boolean {
  return a.t === 'sym' && b.t === 'sym' && a.name === b.name;
}

function relToIntervals(n: Extract<Node, { t: 'rel' }>, v?: Node): Interval[] | null {
  if (n.ops.some((o) => o === '=' || o === '!=' || o === '~')) return null;
  if (n.ops.length === 1 && n.ops[0] === 'in' && n.args[0].t === 'sym') {
    return toIntervals(n.args[1], true);
  }
  if (n.ops.includes('in')) return null;
  // "|x| < 1" is (-1, 1); "|x| > 1" is (-∞, -1) ∪ (1, ∞)
  if (n.args.length === 2 && !v) {
    const k = n.args.findIndex((a) => a.t === 'fn' && a.name === 'abs' && a.args[0].t === 'sym');
    if (k >= 0 && n.args[1 - k].t !== 'sym') {
      const op = k === 0 ? n.ops[0] : flip(n.ops[0]);
      const r = n.args[1 - k];
      const neg: Node = { t: 'neg', x: r };
      if (op === '<' || op === '<=') return [{ lo: neg, hi: r, loClosed: op === '<=', hiClosed: op === '<=' }];
      if (op === '>' || op === '>=') return [{ lo: NEG_INF, hi: neg, loClosed: false, hiClosed: op === '>=' }, { lo: r, hi: INF, loClosed: op === '>=', hiClosed: false }];
      return null;
    }
  }
  // "-x > -1" is "x < 1"
  if (n.args.length === 2 && !v) {
    const k = n.args.findIndex((a) => a.t === 'neg' && a.x.t === 'sym');
    if (k >= 0 && n.args[1 - k].t !== 'sym') {
      const args = n.args.slice();
      args[k] = (args[k] as Extract<Node, { t: 'neg' }>).x;
      args[1 - k] = { t: 'neg', x: args[1 - k] };
      return relToIntervals({ t: 'rel', ops: [flip(n.ops[0])], args });
    }
  }
  // "1 \le |z| \le 2" is [-2, -1] ∪ [1, 2] (for a non-negative lower bound only: |z| ≥ -1 holds everywhere)
  if (n.args.length === 3 && !v && isAbsOfSym(n.args[1])) {
    const asc = n.ops.every((o) => o === '<' || o === '<=');
    const desc = n.ops.every((o) => o === '>' || o === '>=');
    if (!asc && !desc) return null;
    const [lo, hi] = asc ? [n.args[0], n.args[2]] : [n.args[2], n.args[0]];
    const [loOp, hiOp] = asc ? n.ops : [n.ops[1], n.ops[0]];
    if (!(floatValue(lo, {}) >= 0)) return null;
    const loClosed = loOp === '<=' || loOp === '>=';
    const hiClosed = hiOp === '<=' || hiOp === '>=';
    return [
      { lo: { t: 'neg', x: hi }, hi: { t: 'neg', x: lo }, loClosed: hiClosed, hiClosed: loClosed },
      { lo, hi, loClosed, hiClosed },
    ];
  }
  // find the variable: the single symbol argument (or the set-builder variable); in a chain
  // "0 < f(x) < 1" the middle may be a function value
  const varIdx = n.args.length === 3 && !v && isLabel(n.args[1]) ? 1 : n.args.findIndex((a) => (v ? sameSym(a, v) : a.t === 'sym'));
  if (varIdx < 0) return null;
  if (n.args.length === 2) {
    let op = n.ops[0];
    const other = n.args[1 - varIdx];
    if (varIdx === 1) op = flip(op); // other op x  ->  x flip(op) other
    if (op === '<' || op === '<=') return [{ lo: NEG_INF, hi: other, loClosed: false, hiClosed: op === '<=' }];
    if (op === '>' || op === '>=') return [{ lo: other, hi: INF, loClosed: op === '>=', hiClosed: false }];
    return null;
  }
  if (n.args.length === 3 && varIdx === 1) {
    const [a, b] = n.ops;
    if ((a === '<' || a === '<=') && (b === '<' || b === '<=')) {
      return [{ lo: n.args[0], hi: n.args[2], loClosed: a === '<=', hiClosed: b === '<=' }];
    }
    if ((a === '>' || a === '>=') && (b === '>' || b === '>=')) {
      return [{ lo: n.args[2], hi: n.args[0], loClosed: b === '>=', hiClosed: a === '>=' }];
    }
  }
  return null;
}

// Mathematical equivalence of two answers (strings). Decision procedure, cheapest first:
//   1. normalised strings equal;
//   2. text answers compared as words;
//   3. structure: lists (ordered or as multisets; `\pm` expands to both values), sets,
//      intervals and unions (endpoint types matter), tuples (order matters), matrices,
//      equations (same solution set: l1-r1 and l2-r2 proportional), `x = …` labels,
//      inequalities read as intervals, percentages;
//   4. scalars: exact rational arithmetic in-process; otherwise a float64 evaluation in-process
//      that can only *reject*; what survives is confirmed by the CAS worker (mathjs, 64-digit
//      BigNumbers, tolerance 1e-40 relative), so rounded decimals of irrational values fail.
import type { Node } from './ast.js';
import { withGoldBoundVariable } from './bound-variables.js';
import { floatValue } from './evaluate.js';
import { isInfinite, toIntervals, type Interval } from './intervals.js';
import { canonicalString, isTextAnswer, normalizeAnswer, splitConnectives, textKey } from './normalize.js';
import { parseList } from './parse.js';
import { expandItems } from './plus-minus.js';
import { matrixValue } from './matrix-arith.js';
import { dedupe, perfectMatching } from './matching.js';
import { ratioForm } from './ratios.js';
import { matchesRoundedGold } from './rounded-gold.js';
import { checkDeadline, nodeKey, proportional, scalarEqual, type EquivContext } from './scalar.js';
import { isEquation, isLabel, statementValue, valuesAgainst } from './statements.js';

export { CheckTimeout, type EquivContext } from './scalar.js';

/** One reading of an answer: its top-level items; `alternatives` when joined by "or". */
interface Candidate {
  items: Node[];
  alternatives: boolean;
}

const THOUSANDS = /(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)/;

/** Parse interpretations of a normalised answer: the list of its top-level items. */
function candidates(s: string): Candidate[] {
  const variants: string[] = [];
  if (THOUSANDS.test(s)) variants.push(s.replace(/(\d),(?=\d{3}(?!\d))/g, '$1'));
  // a decimal comma: "1000,99", "0,111" (one number only; "1, 22" with a space stays a list)
  if (/^-?(?:\d+,\d{1,2}|0,\d+)$/.test(s)) variants.push(s.replace(',', '.'));
  variants.push(s);
  const out: Candidate[] = [];
  for (const v of variants) {
    try {
      const parts = splitConnectives(v);
      const lists = parts.map((part) => parseList(part));
      // "p = 5, q = 2 and p = 7, q = 2": solutions of several equations each, one tuple per
      // solution, as parseList reads "p=5,q=2;p=7,q=2"
      const solutions = lists.length > 1 && lists.every((l) => l.length >= 2 && l.length === lists[0].length && l.every(isEquation));
      const items = solutions ? lists.map((l): Node => ({ t: 'brk', open: '(', close: ')', items: l })) : lists.flat();
      if (items.length) out.push({ items, alternatives: parts.length > 1 && /\sor\s|或/.test(v) });
    } catch {
      /* not parseable in this reading */
    }
  }
  return out;
}

export async function answersEquivalent(pred: string, gold: string, ctx: EquivContext): Promise<boolean> {
  const p = normalizeAnswer(pred);
  const g = normalizeAnswer(gold);
  if (!p || !g) return false;
  if (canonicalString(p) === canonicalString(g)) return true;
  const pt = isTextAnswer(p);
  const gt = isTextAnswer(g);
  if (pt || gt) return pt && gt && textKey(p) === textKey(g);
  // "f(x) = x" against "f(n) = n": a definition's argument is a bound variable
  const pr = withGoldBoundVariable(p, g) ?? p;
  const pc = candidates(ratioForm(pr) ?? pr);
  const gc = candidates(ratioForm(g) ?? g);
  for (const a of pc) {
    for (const b of gc) {
      // "5 or 9" lists alternatives: their order carries no meaning
      if (await listsEqual(a.items, b.items, ctx, ctx.ordered && !a.alternatives && !b.alternatives)) return true;
    }
  }
  // "to the nearest tenth": only when the question asks for a rounded value
  return ctx.roundedGold === true && matchesRoundedGold(p, g);
}

// ---------- lists and sets ----------

async function listsEqual(a: Node[], b: Node[], ctx: EquivContext, ordered: boolean): Promise<boolean> {
  checkDeadline(ctx);
  // "k = 45, n = 2" against "45, 2": statements give their values
  // (a tuple against "x = 1, y = 2" is matched item by item in singleVersusList instead)
  const tupleVsList = (x: Node[], y: Node[]) => x.length === 1 && x[0].t === 'brk' && y.length > 1;
  if (!tupleVsList(a, b) && !tupleVsList(b, a)) {
    a = valuesAgainst(a, b);
    b = valuesAgainst(b, a);
  }
  const ea = expandItems(a);
  const eb = expandItems(b);
  let A = ea.items;
  let B = eb.items;
  // a set written with braces against a bare list of the same elements
  if (A.length === 1 && A[0].t === 'set' && B.length > 1) A = expandItems(A[0].items).items;
  if (B.length === 1 && B[0].t === 'set' && A.length > 1) B = expandItems(B[0].items).items;
  if (A.length === 1 && B.length === 1) return nodesEqual(A[0], B[0], ctx);
  if (A.length === 1 && B.length > 1) return singleVersusList(A[0], B, ctx);
  if (B.length === 1 && A.length > 1) return singleVersusList(B[0], A, ctx);
  const unordered = !ordered || ea.expanded || eb.expanded;
  // a set of tuples: a tuple listed twice ("(3,17,3,7)") does not count twice; numbers keep
  // their multiplicity ("-3, 2, 2" lists a double root)
  if (A.length !== B.length && unordered && [...A, ...B].every((x) => x.t === 'brk')) {
    A = dedupe(A);
    B = dedupe(B);
  }
  if (A.length !== B.length) return false;
  if (!unordered) {
    for (let k = 0; k < A.length; k++) if (!(await nodesEqual(A[k], B[k], ctx))) return false;
    return true;
  }
  return multisetEqual(A, B, ctx);
}

/**
 * One structured item against a list: `(1, 2)` against "x = 1, y = 2" (the tuple written as
 * assignments, in order), or a union against "x < -3 or x > 3" (inequalities read as intervals).
 */
async function singleVersusList(one: Node, list: Node[], ctx: EquivContext): Promise<boolean> {
  if (one.t === 'brk' && one.items.length === list.length && list.every((x) => x.t === 'rel' && x.ops.length === 1 && x.ops[0] === '=' && isLabel(x.args[0]))) {
    for (let k = 0; k < list.length; k++) {
      if (!(await nodesEqual(one.items[k], (list[k] as Extract<Node, { t: 'rel' }>).args[1], ctx))) return false;
    }
    return true;
  }
  const mine = toIntervals(one);
  if (mine && list.every((x) => x.t === 'rel' || x.t === 'setb' || x.t === 'union')) {
    const parts: Interval[] = [];
    for (const x of list) {
      const iv = toIntervals(x);
      if (!iv) return false;
      parts.push(...iv);
    }
    return intervalsEqual(mine, parts, ctx);
  }
  return false;
}

/** Perfect matching between two equally long lists under nodesEqual. */
async function multisetEqual(A: Node[], B: Node[], ctx: EquivContext): Promise<boolean> {
  const eq: boolean[][] = [];
  for (let i = 0; i < A.length; i++) {
    eq.push([]);
    for (let j = 0; j < B.length; j++) eq[i].push(await nodesEqual(A[i], B[j], ctx));
    if (!eq[i].some(Boolean)) return false;
  }
  return perfectMatching(eq);
}

// ---------- structured values ----------

function intervalLike(n: Node): boolean {
  return n.t === 'union' || n.t === 'setb' || (n.t === 'rel' && !n.ops.includes('=')) || n.t === 'brk';
}

function unwrapIn(n: Node): Node {
  if (n.t === 'rel' && n.ops.length === 1 && n.ops[0] === 'in' && n.args[0].t === 'sym') return n.args[1];
  // "14/3 \approx 4.67": the statement before the first ≈ is the answer; "x \approx 11": 11
  if (n.t === 'rel' && n.ops.includes('~')) {
    const v = statementValue(n);
    if (v) return v;
    const k = n.ops.indexOf('~');
    if (k === 0) return n.args[0];
    return { t: 'rel', ops: n.ops.slice(0, k), args: n.args.slice(0, k + 1) };
  }
  return n;
}

async function nodesEqual(a: Node, b: Node, ctx: EquivContext): Promise<boolean> {
  checkDeadline(ctx);
  a = unwrapIn(a);
  b = unwrapIn(b);
  // a sum or product of matrices stands for its value
  a = matrixValue(a) ?? a;
  b = matrixValue(b) ?? b;
  if (nodeKey(a) === nodeKey(b)) return true;
  if (a.t === 'set' || b.t === 'set') {
    if (a.t === 'set' && b.t === 'set') return listsEqual(a.items, b.items, ctx, false);
    const s = (a.t === 'set' ? a : b) as Extract<Node, { t: 'set' }>;
    const other = a.t === 'set' ? b : a;
    return s.items.length === 1 && other.t !== 'brk' ? nodesEqual(s.items[0], other, ctx) : false;
  }
  if (a.t === 'brk' && b.t === 'brk') {
    if (a.items.length !== b.items.length) return false;
    if (a.items.length === 2 && (isInfinite(a.items[0]) || isInfinite(a.items[1]))) {
      return intervalsEqual(toIntervals(a)!, toIntervals(b)!, ctx);
    }
    if (a.open !== b.open || a.close !== b.close) return false;
    for (let k = 0; k < a.items.length; k++) if (!(await nodesEqual(a.items[k], b.items[k], ctx))) return false;
    return true;
  }
  if (intervalLike(a) || intervalLike(b)) {
    const ia = toIntervals(a);
    const ib = toIntervals(b);
    if (ia && ib) return intervalsEqual(ia, ib, ctx);
  }
  if (a.t === 'matrix' || b.t === 'matrix') return matricesEqual(a, b, ctx);
  if (a.t === 'rel' || b.t === 'rel') return relationsEqual(a, b, ctx);
  if (a.t === 'setb' || b.t === 'setb' || a.t === 'union' || b.t === 'union' || a.t === 'brk' || b.t === 'brk') return false;
  if (a.t === 'pct' || b.t === 'pct') {
    if (a.t === 'pct' && b.t === 'pct') return scalarEqual(a.x, b.x, ctx);
    const pc = (a.t === 'pct' ? a : b) as Extract<Node, { t: 'pct' }>;
    const other = a.t === 'pct' ? b : a;
    // "60%" and "60" (the % sign is presentation), or its value 0.6
    if (await scalarEqual(pc.x, other, ctx)) return true;
    return scalarEqual(pc, other, ctx);
  }
  return scalarEqual(a, b, ctx);
}

async function intervalsEqual(a: Interval[], b: Interval[], ctx: EquivContext): Promise<boolean> {
  if (a.length !== b.length) return false;
  const sa = sortIntervals(a);
  const sb = sortIntervals(b);
  for (let k = 0; k < sa.length; k++) {
    const x = sa[k];
    const y = sb[k];
    if (!isInfinite(x.lo) && x.loClosed !== y.loClosed) return false;
    if (!isInfinite(x.hi) && x.hiClosed !== y.hiClosed) return false;
    if (!(await nodesEqual(x.lo, y.lo, ctx))) return false;
    if (!(await nodesEqual(x.hi, y.hi, ctx))) return false;
  }
  return true;
}

function sortIntervals(a: Interval[]): Interval[] {
  const key = (n: Node) => {
    if (isInfinite(n)) return n.t === 'neg' ? -Infinity : Infinity;
    const v = floatValue(n, {});
    return Number.isNaN(v) ? 0 : v;
  };
  return a.slice().sort((x, y) => key(x.lo) - key(y.lo));
}

async function matricesEqual(a: Node, b: Node, ctx: EquivContext): Promise<boolean> {
  const rowsOf = (n: Node): Node[][] | null => {
    if (n.t === 'matrix') return n.rows;
    if (n.t === 'brk' && n.open === '(') return n.items.map((x) => [x]); // (1,2,3) as a column vector
    return null;
  };
  const ra = rowsOf(a);
  const rb = rowsOf(b);
  if (!ra || !rb || ra.length !== rb.length) return false;
  for (let r = 0; r < ra.length; r++) {
    if (ra[r].length !== rb[r].length) return false;
    for (let c = 0; c < ra[r].length; c++) if (!(await nodesEqual(ra[r][c], rb[r][c], ctx))) return false;
  }
  return true;
}

async function relationsEqual(a: Node, b: Node, ctx: EquivContext): Promise<boolean> {
  const isEq = (n: Node): n is Extract<Node, { t: 'rel' }> => n.t === 'rel' && n.ops.every((o) => o === '=');
  if (isEq(a) && isEq(b)) {
    const al = a.args[0];
    const ar = a.args[a.args.length - 1];
    const bl = b.args[0];
    const br = b.args[b.args.length - 1];
    if (isLabel(al) && isLabel(bl) && nodeKey(al) === nodeKey(bl) && (await nodesEqual(ar, br, ctx))) return true;
    return proportional(diff(al, ar), diff(bl, br), ctx);
  }
  if (isEq(a) !== isEq(b) && (a.t !== 'rel' || b.t !== 'rel')) {
    const e = (isEq(a) ? a : b) as Extract<Node, { t: 'rel' }>;
    const other = isEq(a) ? b : a;
    const v = statementValue(e);
    if (v) return nodesEqual(v, other, ctx);
    if (e.args.length === 2 && isLabel(e.args[1])) return nodesEqual(e.args[0], other, ctx);
    return false;
  }
  if (a.t === 'rel' && b.t === 'rel' && a.ops.length === b.ops.length) {
    // same chain, or the same chain read backwards (b > a > c  ==  c < a < b)
    const same = async (ops: string[], args: Node[]) => {
      if (ops.some((o, k) => o !== a.ops[k])) return false;
      for (let k = 0; k < args.length; k++) if (!(await nodesEqual(a.args[k], args[k], ctx))) return false;
      return true;
    };
    if (await same(b.ops, b.args)) return true;
    const flipped = b.ops.slice().reverse().map((o) => (o === '<' ? '>' : o === '>' ? '<' : o === '<=' ? '>=' : o === '>=' ? '<=' : o));
    return same(flipped, b.args.slice().reverse());
  }
  return false;
}

function diff(l: Node, r: Node): Node {
  return { t: 'add', a: [l, { t: 'neg', x: r }] };
}


// `\pm` / `\mp`: an expression with ± stands for the list of its values
// (`1 \pm \sqrt{19}` is `1+\sqrt{19}, 1-\sqrt{19}`; grader.py's unit stripping loses "pm").
import type { Node } from './ast.js';

export function containsPm(n: Node): boolean {
  let found = false;
  const visit = (x: Node): void => {
    if (found) return;
    if (x.t === 'pm') {
      found = true;
      return;
    }
    for (const c of children(x)) visit(c);
  };
  visit(n);
  return found;
}

export function children(n: Node): Node[] {
  switch (n.t) {
    case 'add':
    case 'mul':
      return n.a;
    case 'div':
      return [n.n, n.d];
    case 'neg':
    case 'pct':
      return [n.x];
    case 'pow':
      return [n.b, n.e];
    case 'fn':
      return n.args;
    case 'pm':
      return [n.a, n.b];
    case 'rel':
      return n.args;
    case 'brk':
    case 'set':
      return n.items;
    case 'union':
      return n.parts;
    case 'setb':
      return [n.v, n.cond];
    case 'matrix':
      return n.rows.flat();
    default:
      return [];
  }
}

/** Replaces the first ± node by `+` and by `-`: two trees. */
function splitFirstPm(n: Node): [Node, Node] | null {
  if (n.t === 'pm') {
    const plus: Node = { t: 'add', a: [n.a, n.sign === 1 ? n.b : { t: 'neg', x: n.b }] };
    const minus: Node = { t: 'add', a: [n.a, n.sign === 1 ? { t: 'neg', x: n.b } : n.b] };
    return [plus, minus];
  }
  const kids = children(n);
  for (let k = 0; k < kids.length; k++) {
    const r = splitFirstPm(kids[k]);
    if (r) return [replaceChild(n, k, r[0]), replaceChild(n, k, r[1])];
  }
  return null;
}

function replaceChild(n: Node, k: number, c: Node): Node {
  const kids = children(n).slice();
  kids[k] = c;
  switch (n.t) {
    case 'add':
    case 'mul':
      return { ...n, a: kids };
    case 'div':
      return { t: 'div', n: kids[0], d: kids[1] };
    case 'neg':
      return { t: 'neg', x: kids[0] };
    case 'pct':
      return { t: 'pct', x: kids[0] };
    case 'pow':
      return { t: 'pow', b: kids[0], e: kids[1] };
    case 'fn':
      return { ...n, args: kids };
    case 'pm':
      return { ...n, a: kids[0], b: kids[1] };
    case 'rel':
      return { ...n, args: kids };
    case 'brk':
    case 'set':
      return { ...n, items: kids };
    case 'union':
      return { ...n, parts: kids };
    case 'setb':
      return { t: 'setb', v: kids[0], cond: kids[1] };
    default:
      return n; // matrices with ± are compared as written
  }
}

function expandPm(n: Node): Node[] {
  let out = [n];
  for (let round = 0; round < 4; round++) {
    const next: Node[] = [];
    let changed = false;
    for (const x of out) {
      const r = splitFirstPm(x);
      if (r) {
        next.push(...r);
        changed = true;
      } else next.push(x);
    }
    out = next;
    if (!changed) break;
  }
  return out;
}

export function expandItems(items: Node[]): { items: Node[]; expanded: boolean } {
  let expanded = false;
  const out: Node[] = [];
  for (const it of items) {
    if (it.t !== 'rel' && it.t !== 'set' && it.t !== 'brk' && it.t !== 'matrix' && it.t !== 'union' && containsPm(it)) {
      out.push(...expandPm(it));
      expanded = true;
    } else out.push(it);
  }
  return { items: out, expanded };
}


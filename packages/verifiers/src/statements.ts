// Answers written as statements: "x = 3", "(p, q) = (3, 2)", "|AB| = 1", "k = 45, n = 2",
// a derivation "42 / 3 * 10 = 140" or "x = 5+5+1 = 11", an estimate "x \approx 11". The value
// such a statement gives is what is compared with a gold that is not itself an equation; an
// equation whose left side is an expression in variables ("2x + z = 1") gives no value.
import { freeSymbols, type Node } from './ast.js';

/** The name side of "name = value": `x`, `a_n`, `AB`, `f(x)` (parsed f·x), `|AB|`, `(p, q)`. */
export function isLabel(n: Node): boolean {
  if (n.t === 'sym') return true;
  if (n.t === 'mul') return n.a.length <= 4 && n.a.every((x) => x.t === 'sym' || (x.t === 'num' && n.a[0].t === 'sym') || (x.t === 'brk' && x.items.every((y) => y.t === 'sym')));
  if (n.t === 'fn' && n.name === 'abs') return n.args.length === 1 && isLabel(n.args[0]);
  // a named function value: "\sin A = \frac{\sqrt3}{2}", "\cos B = …"
  if (n.t === 'fn') return n.args.length === 1 && n.args[0].t === 'sym';
  // a named ratio or quotient: "V_1 : V_2 = 11:21", "\frac{NO}{BO} = \frac{1}{\sqrt6}"
  if (n.t === 'div') return isLabel(n.n) && isLabel(n.d);
  if (n.t === 'brk') return n.items.length >= 1 && n.items.every((x) => x.t === 'sym');
  return false;
}

/** `m + n`, `p - q`, `abc`: two to four single names added or multiplied, no coefficients. */
function isNameCombination(n: Node): boolean {
  if (n.t !== 'add' && n.t !== 'mul') return false;
  return n.a.length >= 2 && n.a.length <= 4 && n.a.every((x) => x.t === 'sym' || (n.t === 'add' && x.t === 'neg' && x.x.t === 'sym'));
}

function isEquationChain(n: Node): n is Extract<Node, { t: 'rel' }> {
  return n.t === 'rel' && n.ops.every((o) => o === '=' || o === '~');
}

/** The value a statement gives, or null when it is not a statement of a value. */
export function statementValue(n: Node): Node | null {
  if (!isEquationChain(n)) return null;
  let ops = n.ops;
  let args = n.args;
  const derivation = args.length >= 3 && !ops.includes('~');
  // "x = 1/3 \approx 0.33": the statement before the first ≈ (a leading label dropped first)
  if (isLabel(args[0]) && args.length > 2) {
    ops = ops.slice(1);
    args = args.slice(1);
  }
  const approx = ops.indexOf('~');
  if (approx === 0) return isLabel(args[0]) ? args[1] : args[0];
  if (approx > 0) {
    ops = ops.slice(0, approx);
    args = args.slice(0, approx + 1);
  }
  if (args.length === 1) return args[0];
  if (args.length >= 3 || derivation) return args[args.length - 1]; // a derivation: its last side
  if (isLabel(args[0])) return args[1];
  // "m + n = 7", "abc = 60": a sum or product of named quantities stated as a number
  if (isNameCombination(args[0]) && freeSymbols(args[1]).length === 0) return args[1];
  if (freeSymbols(args[0]).length === 0 && freeSymbols(args[1]).length === 0) return args[1]; // "42 / 3 * 10 = 140"
  return null;
}

/** Whether an item is an equation (a statement or a real equation in variables). */
export function isEquation(n: Node): boolean {
  return n.t === 'rel' && n.ops.every((o) => o === '=');
}

/**
 * When only one of two answers is written as statements ("k = 45, n = 2" against "45, 2"),
 * the statements are replaced by their values; otherwise the items are returned unchanged.
 */
export function valuesAgainst(items: Node[], other: Node[]): Node[] {
  if (other.some((x) => x.t === 'rel' && x.ops.includes('='))) return items;
  if (!items.some((x) => isEquationChain(x))) return items;
  const out: Node[] = [];
  for (const x of items) {
    if (!isEquationChain(x)) {
      out.push(x);
      continue;
    }
    const v = statementValue(x);
    if (!v) return items;
    out.push(v);
  }
  return out;
}

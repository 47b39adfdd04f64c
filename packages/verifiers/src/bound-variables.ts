// A function definition's argument is a bound variable: "f(n) = n" (the gold of a NuminaMath or
// OlympiadBench functional equation) and a response's "f(x) = x" state the same function, and
// "W(n) = 1 and W(n) = -1" the same answers as "W(x) = 1 or W(x) = -1". The parser reads `f(x)`
// as the product f·x (README "Known limitations"), so without this the two definitions are
// equations in different variables. The rename is done on the normalised strings before
// parsing, and only when it is unambiguous: every definition on each side names the same
// function with one argument letter, the letters differ, and the new name is not already used.
const DEFINITION = /(?<![A-Za-z\\])([A-Za-z])\(\s*([a-z])\s*\)\s*=/g;

/** The one function letter and argument letter that every definition in `s` uses, or null. */
function definedFunction(s: string): { fn: string; arg: string } | null {
  let found: { fn: string; arg: string } | null = null;
  for (const m of s.matchAll(DEFINITION)) {
    const [fn, arg] = [m[1], m[2]];
    // e and i are constants, not variables; "x(x) =" is no definition
    if (arg === 'e' || arg === 'i' || fn === arg) return null;
    if (found && (found.fn !== fn || found.arg !== arg)) return null;
    found = { fn, arg };
  }
  return found;
}

const letter = (v: string) => new RegExp(`(?<![A-Za-z\\\\])${v}(?![A-Za-z])`, 'g');

/** `pred` with its definition's argument renamed to the gold's, or null when nothing to rename. */
export function withGoldBoundVariable(pred: string, gold: string): string | null {
  const p = definedFunction(pred);
  const g = definedFunction(gold);
  if (!p || !g || p.fn !== g.fn || p.arg === g.arg) return null;
  // "f(x) = x + n" against "f(n) = …": renaming x to n would merge two variables
  if (letter(g.arg).test(pred) || letter(p.arg).test(gold)) return null;
  return pred.replace(letter(p.arg), g.arg);
}

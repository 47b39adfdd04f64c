// LaTeX commands for the parser (parse.ts): fractions, roots, floors, styled text, accents,
// functions with powers and subscripts (`\\sin^{-1}`, `\\log_2`), and matrix environments.
import type { Node, RelOp } from './ast.js';
import { ParseError } from './parse-error.js';
import type { Parser } from './parse.js';
import { Rational } from './rational.js';

const TRIG = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'sinh', 'cosh', 'tanh', 'coth']);
export const FUNCS = new Set([
  ...TRIG, 'arcsin', 'arccos', 'arctan', 'arccot', 'arcsec', 'arccsc', 'ln', 'log', 'lg', 'exp', 'abs',
  'det', 'max', 'min', 'gcd', 'lcm', 'deg',
]);
export const FRAC_CMDS = new Set(['frac', 'dfrac', 'tfrac', 'cfrac']);
const BINOM_CMDS = new Set(['binom', 'dbinom', 'tbinom', 'choose']);
export const REL_CMDS: Record<string, RelOp> = {
  le: '<=', leq: '<=', leqslant: '<=', ge: '>=', geq: '>=', geqslant: '>=', lt: '<', gt: '>',
  ne: '!=', neq: '!=', in: 'in', approx: '~', equiv: '=',
};
export const REL_OPS: Record<string, RelOp> = { '=': '=', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '!=': '!=' };
const ACCENTS = new Set(['vec', 'overrightarrow', 'overline', 'bar', 'hat', 'widehat', 'tilde', 'dot', 'ddot', 'underline', 'mathbf', 'boldsymbol', 'mathit', 'mathbb', 'mathcal', 'mathrm', 'text', 'textbf', 'textit', 'mbox', 'operatorname', 'mathsf', 'bm']);
const STYLE = new Set(['mathbf', 'boldsymbol', 'mathit', 'mathrm', 'text', 'textbf', 'textit', 'mbox', 'mathsf', 'bm', 'operatorname']);
export const IGNORED = new Set(['left', 'right', 'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr', 'displaystyle', 'limits', 'quad', 'qquad', 'cdotp']);
const CONSTS: Record<string, Node> = {
  pi: { t: 'const', name: 'pi' },
  infty: { t: 'const', name: 'inf' },
  infinity: { t: 'const', name: 'inf' },
};

export function parseCommand(p: Parser, name: string): Node {
  if (CONSTS[name]) return CONSTS[name];
  if (FRAC_CMDS.has(name)) {
    const n = p.fracArg();
    const d = p.fracArg();
    return { t: 'div', n, d };
  }
  if (BINOM_CMDS.has(name)) {
    const n = p.fracArg();
    const k = p.fracArg();
    return { t: 'fn', name: 'binom', args: [n, k] };
  }
  if (name === 'sqrt') {
    let index: Node | null = null;
    if (p.isOp('[')) {
      p.next();
      index = p.parseTop();
      p.expectOp(']');
    }
    let arg: Node;
    const t = p.peek();
    if (t && t.k === 'num') {
      p.next();
      arg = numNode(t.s); // `\sqrt13` means sqrt(13)
    } else if (t && t.k === 'op' && t.s === '{') arg = p.parseGroup();
    else arg = p.parsePrimary();
    return index ? { t: 'fn', name: 'root', args: [arg, index] } : { t: 'fn', name: 'sqrt', args: [arg] };
  }
  if (name === 'lfloor' || name === 'lceil') {
    const close = name === 'lfloor' ? 'rfloor' : 'rceil';
    p.rightStops.push(close);
    const x = p.parseTop();
    p.rightStops.pop();
    p.skipIgnored();
    const c = p.next();
    if (c.k !== 'cmd' || c.s !== close) throw new ParseError(`expected \\${close}`);
    return { t: 'fn', name: name === 'lfloor' ? 'floor' : 'ceil', args: [x] };
  }
  if (name === 'lvert' || name === 'vert') {
    p.rightStops.push(name === 'lvert' ? 'rvert' : 'vert');
    const x = p.parseTop();
    p.rightStops.pop();
    p.skipIgnored();
    const c = p.next();
    if (c.k !== 'cmd' || (c.s !== 'rvert' && c.s !== 'vert')) throw new ParseError('expected \\rvert');
    return { t: 'fn', name: 'abs', args: [x] };
  }
  if (name === 'begin') return parseEnvironment(p);
  if (STYLE.has(name) || ACCENTS.has(name)) return parseStyled(p, name);
  if (name === 'prime') return { t: 'sym', name: "'" };
  if (name === 'cdots' || name === 'ldots' || name === 'dots') return { t: 'sym', name: '...' };
  if (FUNCS.has(name) || name === 'arcsin' || name === 'exp') return parseFunction(p, name);
  if (REL_CMDS[name] || name === 'cup' || name === 'end' || name === 'right' || name === 'mid') throw new ParseError(`unexpected \\${name}`);
  // Greek letters and any other symbol-like command
  return { t: 'sym', name: `\\${name}` };
}

function parseStyled(p: Parser, name: string): Node {
  // text-like wrappers: read the raw group content
  p.skipIgnored();
  if (!p.isOp('{')) {
    const inner = p.parsePrimary();
    return STYLE.has(name) ? inner : { t: 'fn', name: `@${name}`, args: [inner] };
  }
  if (name === 'operatorname' || name === 'mathrm' || name === 'text' || name === 'mbox' || name === 'textbf' || name === 'textit') {
    // `\operatorname{sin}`, `\mathrm{i}`, `\text{ cm}`: look at the letters
    const save = p.pos;
    p.next();
    const letters: string[] = [];
    while (p.peek() && p.peek()!.k === 'id') letters.push(p.next().s);
    if (p.isOp('}') && letters.length) {
      p.next();
      const w = letters.join('');
      if (name === 'operatorname' && FUNCS.has(w)) return parseFunction(p, w);
      if (FUNCS.has(w) && name === 'mathrm') return parseFunction(p, w);
      if (w.length === 1) return w === 'e' ? { t: 'const', name: 'e' } : w === 'i' ? { t: 'const', name: 'i' } : { t: 'sym', name: w };
      return { t: 'sym', name: w };
    }
    p.pos = save;
  }
  const inner = p.parseGroup();
  if (STYLE.has(name)) return inner;
  if (inner.t === 'sym') return { t: 'sym', name: `${name}(${inner.name})` };
  return { t: 'fn', name: `@${name}`, args: [inner] };
}

function parseFunction(p: Parser, name: string): Node {
  let power: Node | null = null;
  let base: Node | null = null;
  for (let k = 0; k < 2; k++) {
    p.skipIgnored();
    if (p.isOp('^')) {
      p.next();
      power = p.parseExponent();
    } else if (p.isOp('_')) {
      p.next();
      base = p.fracArg();
    }
  }
  let fname = name === 'lg' ? 'log10' : name;
  if (power && isMinusOne(power) && (TRIG.has(name))) {
    fname = `arc${name}`;
    power = null;
  }
  p.skipIgnored();
  let args: Node[];
  if (p.isOp('(')) {
    p.next();
    args = [p.parseTop()];
    while (p.isOp(',')) {
      p.next();
      args.push(p.parseTop());
    }
    p.skipIgnored();
    p.expectOp(')');
  } else if (p.isOp('{')) {
    args = [p.parseGroup()];
  } else {
    // `\sin 2x`, `\ln 2`: the argument runs over implicitly multiplied factors
    const factors: Node[] = [p.parsePower()];
    while (p.startsFactor()) {
      const t = p.peek()!;
      if (t.k === 'cmd' && (FUNCS.has(t.s) || t.s === 'exp')) break;
      factors.push(p.parsePower());
    }
    args = [factors.length === 1 ? factors[0] : { t: 'mul', a: factors }];
  }
  let out: Node;
  if (fname === 'log' && base) out = { t: 'fn', name: 'logb', args: [args[0], base] };
  else out = { t: 'fn', name: fname, args };
  return power ? { t: 'pow', b: out, e: power } : out;
}

function parseEnvironment(p: Parser): Node {
  p.expectOp('{');
  const env: string[] = [];
  while (!p.isOp('}')) {
    const t = p.next();
    env.push(t.s);
  }
  p.next();
  const envName = env.join('');
  if (envName === 'array' && p.isOp('{')) {
    // column spec
    let depth = 0;
    do {
      const t = p.next();
      if (t.k === 'op' && t.s === '{') depth++;
      if (t.k === 'op' && t.s === '}') depth--;
    } while (depth > 0);
  }
  const rows: Node[][] = [[]];
  while (true) {
    p.skipIgnored();
    if (p.isCmd('end')) {
      p.next();
      p.expectOp('{');
      while (!p.isOp('}')) p.next();
      p.next();
      break;
    }
    if (p.isOp('rowsep')) {
      p.next();
      rows.push([]);
      continue;
    }
    if (p.isOp('&')) {
      p.next();
      continue;
    }
    rows[rows.length - 1].push(p.parseTop());
  }
  while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
  return { t: 'matrix', rows };
}
function isMinusOne(n: Node): boolean {
  return n.t === 'neg' && n.x.t === 'num' && n.x.v.equals(Rational.int(1));
}

export function numNode(s: string): Node {
  const v = Rational.parseDecimal(s);
  if (!v) throw new ParseError(`bad number ${s}`);
  return { t: 'num', v };
}


// Recursive-descent parser: normalised answer text -> expression tree (ast.ts).
// Precedence, lowest first: relation chain (=, <, \leq, \in …) · union (\cup) · sum (+ - \pm) ·
// product (explicit and implicit) · unary sign · power / postfix (! %) · primary.
// LaTeX conventions: `\frac43` = 4/3 (one character per argument), `x^23` keeps the whole
// number as exponent (plain-text habit), `\sqrt13` = sqrt(13) (what writers mean), a mixed
// number `4\frac{2}{3}` = 14/3 (grader.py reads it as a product).
import { type Node, type RelOp } from './ast.js';
import { Rational } from './rational.js';
import { tokenize, type Token } from './tokenize.js';

export class ParseError extends Error {}

/** Maximum nesting depth; deeper input is refused instead of risking the stack. */
export const MAX_DEPTH = 60;
export const MAX_TOKENS = 4000;

const TRIG = new Set(['sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'sinh', 'cosh', 'tanh', 'coth']);
const FUNCS = new Set([
  ...TRIG, 'arcsin', 'arccos', 'arctan', 'arccot', 'arcsec', 'arccsc', 'ln', 'log', 'lg', 'exp', 'abs',
  'det', 'max', 'min', 'gcd', 'lcm', 'deg',
]);
const FRAC_CMDS = new Set(['frac', 'dfrac', 'tfrac', 'cfrac']);
const BINOM_CMDS = new Set(['binom', 'dbinom', 'tbinom', 'choose']);
const REL_CMDS: Record<string, RelOp> = {
  le: '<=', leq: '<=', leqslant: '<=', ge: '>=', geq: '>=', geqslant: '>=', lt: '<', gt: '>',
  ne: '!=', neq: '!=', in: 'in', approx: '~', equiv: '=',
};
const REL_OPS: Record<string, RelOp> = { '=': '=', '<': '<', '>': '>', '<=': '<=', '>=': '>=', '!=': '!=' };
const ACCENTS = new Set(['vec', 'overrightarrow', 'overline', 'bar', 'hat', 'widehat', 'tilde', 'dot', 'ddot', 'underline', 'mathbf', 'boldsymbol', 'mathit', 'mathbb', 'mathcal', 'mathrm', 'text', 'textbf', 'textit', 'mbox', 'operatorname', 'mathsf', 'bm']);
const STYLE = new Set(['mathbf', 'boldsymbol', 'mathit', 'mathrm', 'text', 'textbf', 'textit', 'mbox', 'mathsf', 'bm', 'operatorname']);
const IGNORED = new Set(['left', 'right', 'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr', 'displaystyle', 'limits', 'quad', 'qquad', 'cdotp']);
const CONSTS: Record<string, Node> = {
  pi: { t: 'const', name: 'pi' },
  infty: { t: 'const', name: 'inf' },
  infinity: { t: 'const', name: 'inf' },
};

export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  if (toks.length > MAX_TOKENS) throw new ParseError(`answer has ${toks.length} tokens (limit ${MAX_TOKENS})`);
  const p = new Parser(toks);
  const n = p.parseTop();
  if (!p.done()) throw new ParseError(`unexpected ${JSON.stringify(p.peek())}`);
  return n;
}

/** Parses a comma-separated list at top level (no enclosing brackets). */
export function parseList(src: string): Node[] {
  const toks = tokenize(src);
  if (toks.length > MAX_TOKENS) throw new ParseError(`answer has ${toks.length} tokens (limit ${MAX_TOKENS})`);
  const p = new Parser(toks);
  const items = [p.parseTop()];
  while (p.isOp(',') || p.isOp(';')) {
    p.next();
    items.push(p.parseTop());
  }
  if (!p.done()) throw new ParseError(`unexpected ${JSON.stringify(p.peek())}`);
  return items;
}

class Parser {
  private i = 0;
  private depth = 0;
  /** '|' closes the innermost absolute value / set-builder instead of opening a new one */
  private barStops = 0;
  private rightStops: string[] = [];

  constructor(private readonly toks: Token[]) {}

  done(): boolean {
    return this.i >= this.toks.length;
  }
  peek(o = 0): Token | undefined {
    return this.toks[this.i + o];
  }
  next(): Token {
    const t = this.toks[this.i++];
    if (!t) throw new ParseError('unexpected end of input');
    return t;
  }
  isOp(s: string, o = 0): boolean {
    const t = this.peek(o);
    return !!t && t.k === 'op' && t.s === s;
  }
  isCmd(s: string, o = 0): boolean {
    const t = this.peek(o);
    return !!t && t.k === 'cmd' && t.s === s;
  }
  expectOp(s: string): void {
    const t = this.next();
    if (t.k !== 'op' || t.s !== s) throw new ParseError(`expected ${s}, got ${JSON.stringify(t)}`);
  }
  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError(`nesting deeper than ${MAX_DEPTH}`);
  }
  private leave(): void {
    this.depth--;
  }
  private skipIgnored(): void {
    while (true) {
      const t = this.peek();
      if (t && t.k === 'cmd' && IGNORED.has(t.s)) this.i++;
      else break;
    }
  }

  parseTop(): Node {
    this.skipIgnored();
    return this.parseRelation();
  }

  private relOp(): RelOp | null {
    this.skipIgnored();
    const t = this.peek();
    if (!t) return null;
    if (t.k === 'op' && REL_OPS[t.s]) return REL_OPS[t.s];
    if (t.k === 'cmd' && REL_CMDS[t.s]) return REL_CMDS[t.s];
    return null;
  }

  private parseRelation(): Node {
    const first = this.parseUnion();
    const ops: RelOp[] = [];
    const args = [first];
    for (let op = this.relOp(); op; op = this.relOp()) {
      this.next();
      ops.push(op);
      args.push(this.parseUnion());
    }
    return ops.length ? { t: 'rel', ops, args } : first;
  }

  private parseUnion(): Node {
    const first = this.parseSum();
    if (!this.isCmd('cup')) return first;
    const parts = [first];
    while (this.isCmd('cup')) {
      this.next();
      parts.push(this.parseSum());
    }
    return { t: 'union', parts };
  }

  private parseSum(): Node {
    this.enter();
    let terms: Node[] = [this.parseProduct()];
    while (true) {
      this.skipIgnored();
      if (this.isOp('+')) {
        this.next();
        terms.push(this.parseProduct());
      } else if (this.isOp('-')) {
        this.next();
        terms.push({ t: 'neg', x: this.parseProduct() });
      } else if (this.isCmd('pm') || this.isCmd('mp')) {
        const sign = this.next().s === 'pm' ? 1 : -1;
        const left: Node = terms.length === 1 ? terms[0] : { t: 'add', a: terms };
        terms = [{ t: 'pm', a: left, b: this.parseProduct(), sign }];
      } else break;
    }
    this.leave();
    return terms.length === 1 ? terms[0] : { t: 'add', a: terms };
  }

  private startsFactor(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.k === 'num' || t.k === 'id') return true;
    if (t.k === 'word') return false;
    if (t.k === 'op') {
      if (t.s === '(' || t.s === '[' || t.s === '{' || t.s === '\\{') return true;
      if (t.s === '|') return this.barStops === 0;
      return false;
    }
    // commands
    if (REL_CMDS[t.s] || t.s === 'cup' || t.s === 'pm' || t.s === 'mp' || t.s === 'cdot' || t.s === 'times' || t.s === 'div' || t.s === 'mid') return false;
    if (t.s === 'end' || t.s === 'right' || t.s === 'rfloor' || t.s === 'rceil' || t.s === 'rvert' || t.s === 'rangle' || t.s === 'cap' || t.s === 'setminus') return false;
    if (this.rightStops.length && this.rightStops[this.rightStops.length - 1] === t.s) return false;
    return true;
  }

  private parseProduct(): Node {
    this.enter();
    let acc: Node = this.parseUnary();
    const factors: Node[] = [];
    const flush = () => {
      if (factors.length) {
        acc = { t: 'mul', a: [acc, ...factors.splice(0)] };
      }
    };
    while (true) {
      this.skipIgnored();
      const t = this.peek();
      if (!t) break;
      if ((t.k === 'op' && t.s === '*') || (t.k === 'cmd' && (t.s === 'cdot' || t.s === 'times' || t.s === 'ast'))) {
        this.next();
        factors.push(this.parseUnary());
      } else if ((t.k === 'op' && t.s === '/') || (t.k === 'cmd' && t.s === 'div')) {
        this.next();
        flush();
        acc = { t: 'div', n: acc, d: this.parseUnary() };
      } else if (this.startsFactor()) {
        // two numerals side by side ("1 000", "2 3") have no reliable reading: refuse
        const prev = this.toks[this.i - 1];
        if (t.k === 'num' && prev && prev.k === 'num') throw new ParseError(`adjacent numbers ${prev.s} ${t.s}`);
        factors.push(this.parsePower());
      } else break;
    }
    flush();
    this.leave();
    return acc;
  }

  private parseUnary(): Node {
    this.skipIgnored();
    if (this.isOp('-')) {
      this.next();
      return { t: 'neg', x: this.parseUnary() };
    }
    if (this.isOp('+')) {
      this.next();
      return this.parseUnary();
    }
    if (this.isCmd('pm') || this.isCmd('mp')) {
      const sign = this.next().s === 'pm' ? 1 : -1;
      return { t: 'pm', a: { t: 'num', v: Rational.int(0) }, b: this.parseUnary(), sign };
    }
    return this.parsePower();
  }

  private parsePower(): Node {
    this.enter();
    let base = this.parsePostfix(this.parsePrimary());
    this.skipIgnored();
    if (this.isOp('^')) {
      this.next();
      const e = this.parseExponent();
      base = this.parsePostfix({ t: 'pow', b: base, e });
    }
    this.leave();
    return base;
  }

  private parseExponent(): Node {
    this.skipIgnored();
    const t = this.peek();
    if (!t) throw new ParseError('missing exponent');
    if (t.k === 'op' && t.s === '{') return this.parseGroup();
    if (t.k === 'op' && (t.s === '-' || t.s === '+')) {
      this.next();
      const x = this.parseExponent();
      return t.s === '-' ? { t: 'neg', x } : x;
    }
    if (t.k === 'cmd' && t.s === 'prime') {
      this.next();
      return { t: 'sym', name: "'" };
    }
    return this.parsePrimary();
  }

  private parsePostfix(n: Node): Node {
    while (true) {
      if (this.isOp('!')) {
        this.next();
        n = { t: 'fn', name: 'factorial', args: [n] };
      } else if (this.isOp('%')) {
        this.next();
        n = { t: 'pct', x: n };
      } else if (this.isOp("'") && n.t === 'sym') {
        this.next();
        n = { t: 'sym', name: n.name + "'" };
      } else if (this.isOp('_')) {
        this.next();
        const sub = this.subscriptText();
        n = { t: 'sym', name: `${nameOf(n)}_${sub}` };
      } else return n;
    }
  }

  /** A subscript as a canonical string: `x_{1}` and `x_1` both give `1`. */
  private subscriptText(): string {
    const t = this.peek();
    if (!t) throw new ParseError('missing subscript');
    if (t.k === 'op' && t.s === '{') {
      this.next();
      const parts: string[] = [];
      let depth = 1;
      while (true) {
        const u = this.next();
        if (u.k === 'op' && u.s === '{') depth++;
        if (u.k === 'op' && u.s === '}' && --depth === 0) break;
        parts.push(u.k === 'cmd' ? `\\${u.s}` : u.s);
        if (parts.length > 200) throw new ParseError('subscript too long');
      }
      return parts.join('');
    }
    this.next();
    if (t.k === 'num') {
      // LaTeX takes one character: x_12 is x_1 2; keep the whole run for base notation (52_8)
      return t.s;
    }
    return t.k === 'cmd' ? `\\${t.s}` : t.s;
  }

  parseGroup(): Node {
    this.expectOp('{');
    this.enter();
    if (this.isOp('}')) {
      this.next();
      this.leave();
      return { t: 'sym', name: '' };
    }
    this.barStops++;
    const first = this.parseTop();
    this.barStops--;
    let n: Node = first;
    if (this.isOp(',') || this.isOp(';')) {
      // `{1,2,3}` written with bare braces is a set (Gaokao options)
      const items = [first];
      while (this.isOp(',') || this.isOp(';')) {
        this.next();
        items.push(this.parseTop());
      }
      n = { t: 'set', items };
    } else if (this.isOp('|') || this.isCmd('mid') || this.isOp(':')) {
      this.next();
      n = { t: 'setb', v: first, cond: this.parseTop() };
    }
    this.expectOp('}');
    this.leave();
    return n;
  }

  /** One `\frac`/`\binom` argument: a braced group, or a single character (`\frac43`). */
  private fracArg(): Node {
    this.skipIgnored();
    const t = this.peek();
    if (!t) throw new ParseError('missing \\frac argument');
    if (t.k === 'op' && t.s === '{') return this.parseGroup();
    if (t.k === 'num') {
      this.next();
      if (t.s.length > 1) {
        // split off the first digit and push the rest back
        this.i--;
        (this.toks as Token[])[this.i] = { k: 'num', s: t.s.slice(1) };
        return numNode(t.s[0]);
      }
      return numNode(t.s);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Node {
    this.enter();
    try {
      return this.parsePrimaryInner();
    } finally {
      this.leave();
    }
  }

  private parsePrimaryInner(): Node {
    this.skipIgnored();
    const t = this.next();
    if (t.k === 'num') {
      const n = numNode(t.s);
      // mixed number: integer immediately followed by \frac{int}{int}
      if (/^\d+$/.test(t.s) && this.peek()?.k === 'cmd' && FRAC_CMDS.has(this.peek()!.s)) {
        const save = this.i;
        this.next();
        const a = this.fracArg();
        const b = this.fracArg();
        if (a.t === 'num' && b.t === 'num' && a.v.isInteger() && b.v.isInteger() && !b.v.isZero()) {
          return { t: 'num', v: (n as { v: Rational }).v.add(a.v.div(b.v)) };
        }
        this.i = save;
      }
      return n;
    }
    if (t.k === 'id') {
      if (t.s === 'e') return { t: 'const', name: 'e' };
      if (t.s === 'i') return { t: 'const', name: 'i' };
      return { t: 'sym', name: t.s };
    }
    if (t.k === 'word') throw new ParseError(`text ${t.s}`);
    if (t.k === 'op') {
      switch (t.s) {
        case '(':
        case '[':
          return this.parseBracket(t.s);
        case '{':
          this.i--;
          return this.parseGroup();
        case '\\{':
          return this.parseBraceSet();
        case '|': {
          this.barStops++;
          const x = this.parseTop();
          this.barStops--;
          this.expectOp('|');
          return { t: 'fn', name: 'abs', args: [x] };
        }
        default:
          throw new ParseError(`unexpected ${t.s}`);
      }
    }
    return this.parseCommand(t.s);
  }

  private parseBracket(open: '(' | '['): Node {
    const items: Node[] = [];
    const savedBar = this.barStops;
    this.barStops = 0;
    if (!(this.isOp(')') || this.isOp(']'))) {
      items.push(this.parseTop());
      while (this.isOp(',') || this.isOp(';')) {
        this.next();
        items.push(this.parseTop());
      }
    }
    this.barStops = savedBar;
    this.skipIgnored();
    const c = this.next();
    if (c.k !== 'op' || (c.s !== ')' && c.s !== ']')) throw new ParseError(`unclosed ${open}`);
    const close = c.s as ')' | ']';
    if (items.length === 1 && open === '(' && close === ')') return items[0];
    if (items.length === 1 && open === '[' && close === ']') return items[0];
    return { t: 'brk', open, close, items };
  }

  private parseBraceSet(): Node {
    if (this.isOp('\\}')) {
      this.next();
      return { t: 'set', items: [] };
    }
    this.barStops++;
    const first = this.parseTop();
    this.barStops--;
    if (this.isOp('|') || this.isCmd('mid') || this.isOp(':')) {
      this.next();
      const cond = this.parseTop();
      this.expectOp('\\}');
      return { t: 'setb', v: first, cond };
    }
    const items = [first];
    while (this.isOp(',') || this.isOp(';')) {
      this.next();
      items.push(this.parseTop());
    }
    this.expectOp('\\}');
    return { t: 'set', items };
  }

  private parseCommand(name: string): Node {
    if (CONSTS[name]) return CONSTS[name];
    if (FRAC_CMDS.has(name)) {
      const n = this.fracArg();
      const d = this.fracArg();
      return { t: 'div', n, d };
    }
    if (BINOM_CMDS.has(name)) {
      const n = this.fracArg();
      const k = this.fracArg();
      return { t: 'fn', name: 'binom', args: [n, k] };
    }
    if (name === 'sqrt') {
      let index: Node | null = null;
      if (this.isOp('[')) {
        this.next();
        index = this.parseTop();
        this.expectOp(']');
      }
      let arg: Node;
      const t = this.peek();
      if (t && t.k === 'num') {
        this.next();
        arg = numNode(t.s); // `\sqrt13` means sqrt(13)
      } else if (t && t.k === 'op' && t.s === '{') arg = this.parseGroup();
      else arg = this.parsePrimary();
      return index ? { t: 'fn', name: 'root', args: [arg, index] } : { t: 'fn', name: 'sqrt', args: [arg] };
    }
    if (name === 'lfloor' || name === 'lceil') {
      const close = name === 'lfloor' ? 'rfloor' : 'rceil';
      this.rightStops.push(close);
      const x = this.parseTop();
      this.rightStops.pop();
      this.skipIgnored();
      const c = this.next();
      if (c.k !== 'cmd' || c.s !== close) throw new ParseError(`expected \\${close}`);
      return { t: 'fn', name: name === 'lfloor' ? 'floor' : 'ceil', args: [x] };
    }
    if (name === 'lvert' || name === 'vert') {
      this.rightStops.push(name === 'lvert' ? 'rvert' : 'vert');
      const x = this.parseTop();
      this.rightStops.pop();
      this.skipIgnored();
      const c = this.next();
      if (c.k !== 'cmd' || (c.s !== 'rvert' && c.s !== 'vert')) throw new ParseError('expected \\rvert');
      return { t: 'fn', name: 'abs', args: [x] };
    }
    if (name === 'begin') return this.parseEnvironment();
    if (STYLE.has(name) || ACCENTS.has(name)) return this.parseStyled(name);
    if (name === 'prime') return { t: 'sym', name: "'" };
    if (name === 'cdots' || name === 'ldots' || name === 'dots') return { t: 'sym', name: '...' };
    if (FUNCS.has(name) || name === 'arcsin' || name === 'exp') return this.parseFunction(name);
    if (REL_CMDS[name] || name === 'cup' || name === 'end' || name === 'right' || name === 'mid') throw new ParseError(`unexpected \\${name}`);
    // Greek letters and any other symbol-like command
    return { t: 'sym', name: `\\${name}` };
  }

  private parseStyled(name: string): Node {
    // text-like wrappers: read the raw group content
    this.skipIgnored();
    if (!this.isOp('{')) {
      const inner = this.parsePrimary();
      return STYLE.has(name) ? inner : { t: 'fn', name: `@${name}`, args: [inner] };
    }
    if (name === 'operatorname' || name === 'mathrm' || name === 'text' || name === 'mbox' || name === 'textbf' || name === 'textit') {
      // `\operatorname{sin}`, `\mathrm{i}`, `\text{ cm}`: look at the letters
      const save = this.i;
      this.next();
      const letters: string[] = [];
      while (this.peek() && this.peek()!.k === 'id') letters.push(this.next().s);
      if (this.isOp('}') && letters.length) {
        this.next();
        const w = letters.join('');
        if (name === 'operatorname' && FUNCS.has(w)) return this.parseFunction(w);
        if (FUNCS.has(w) && name === 'mathrm') return this.parseFunction(w);
        if (w.length === 1) return w === 'e' ? { t: 'const', name: 'e' } : w === 'i' ? { t: 'const', name: 'i' } : { t: 'sym', name: w };
        return { t: 'sym', name: w };
      }
      this.i = save;
    }
    const inner = this.parseGroup();
    if (STYLE.has(name)) return inner;
    if (inner.t === 'sym') return { t: 'sym', name: `${name}(${inner.name})` };
    return { t: 'fn', name: `@${name}`, args: [inner] };
  }

  private parseFunction(name: string): Node {
    let power: Node | null = null;
    let base: Node | null = null;
    for (let k = 0; k < 2; k++) {
      this.skipIgnored();
      if (this.isOp('^')) {
        this.next();
        power = this.parseExponent();
      } else if (this.isOp('_')) {
        this.next();
        base = this.fracArg();
      }
    }
    let fname = name === 'lg' ? 'log10' : name;
    if (power && isMinusOne(power) && (TRIG.has(name))) {
      fname = `arc${name}`;
      power = null;
    }
    this.skipIgnored();
    let args: Node[];
    if (this.isOp('(')) {
      this.next();
      args = [this.parseTop()];
      while (this.isOp(',')) {
        this.next();
        args.push(this.parseTop());
      }
      this.skipIgnored();
      this.expectOp(')');
    } else if (this.isOp('{')) {
      args = [this.parseGroup()];
    } else {
      // `\sin 2x`, `\ln 2`: the argument runs over implicitly multiplied factors
      const factors: Node[] = [this.parsePower()];
      while (this.startsFactor()) {
        const t = this.peek()!;
        if (t.k === 'cmd' && (FUNCS.has(t.s) || t.s === 'exp')) break;
        factors.push(this.parsePower());
      }
      args = [factors.length === 1 ? factors[0] : { t: 'mul', a: factors }];
    }
    let out: Node;
    if (fname === 'log' && base) out = { t: 'fn', name: 'logb', args: [args[0], base] };
    else out = { t: 'fn', name: fname, args };
    return power ? { t: 'pow', b: out, e: power } : out;
  }

  private parseEnvironment(): Node {
    this.expectOp('{');
    const env: string[] = [];
    while (!this.isOp('}')) {
      const t = this.next();
      env.push(t.s);
    }
    this.next();
    const envName = env.join('');
    if (envName === 'array' && this.isOp('{')) {
      // column spec
      let depth = 0;
      do {
        const t = this.next();
        if (t.k === 'op' && t.s === '{') depth++;
        if (t.k === 'op' && t.s === '}') depth--;
      } while (depth > 0);
    }
    const rows: Node[][] = [[]];
    while (true) {
      this.skipIgnored();
      if (this.isCmd('end')) {
        this.next();
        this.expectOp('{');
        while (!this.isOp('}')) this.next();
        this.next();
        break;
      }
      if (this.isOp('rowsep')) {
        this.next();
        rows.push([]);
        continue;
      }
      if (this.isOp('&')) {
        this.next();
        continue;
      }
      rows[rows.length - 1].push(this.parseTop());
    }
    while (rows.length && rows[rows.length - 1].length === 0) rows.pop();
    return { t: 'matrix', rows };
  }
}

function isMinusOne(n: Node): boolean {
  return n.t === 'neg' && n.x.t === 'num' && n.x.v.equals(Rational.int(1));
}

function numNode(s: string): Node {
  const v = Rational.parseDecimal(s);
  if (!v) throw new ParseError(`bad number ${s}`);
  return { t: 'num', v };
}

function nameOf(n: Node): string {
  switch (n.t) {
    case 'sym':
      return n.name;
    case 'num':
      return n.v.toString();
    case 'const':
      return n.name;
    default:
      return `[${n.t}]`;
  }
}

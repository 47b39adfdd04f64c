// Recursive-descent parser: normalised answer text -> expression tree (ast.ts).
// Precedence, lowest first: relation chain (=, <, \leq, \in …) · union (\cup) · sum (+ - \pm) ·
// product (explicit and implicit) · unary sign · power / postfix (! %) · primary.
// LaTeX conventions: `\frac43` = 4/3 (one character per argument), `x^23` keeps the whole
// number as exponent (plain-text habit), `\sqrt13` = sqrt(13) (what writers mean), a mixed
// number `4\frac{2}{3}` = 14/3 (grader.py reads it as a product).
import { type Node, type RelOp } from './ast.js';
import { Rational } from './rational.js';
import { FRAC_CMDS, FUNCS, IGNORED, numNode, parseCommand, REL_CMDS, REL_OPS } from './parse-commands.js';
import { ParseError } from './parse-error.js';
import { tokenize, type Token } from './tokenize.js';

export { ParseError } from './parse-error.js';

/** Maximum nesting depth; deeper input is refused instead of risking the stack. */
export const MAX_DEPTH = 60;
export const MAX_TOKENS = 4000;

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
  // groups split by ';': "p=5,q=2;p=7,q=2" lists two solutions, each a tuple
  const groups: Node[][] = [[p.parseTop()]];
  while (p.isOp(',') || p.isOp(';')) {
    if (p.next().s === ';') groups.push([]);
    groups[groups.length - 1].push(p.parseTop());
  }
  if (!p.done()) throw new ParseError(`unexpected ${JSON.stringify(p.peek())}`);
  if (groups.length === 1 || groups.every((g) => g.length === 1)) return groups.flat();
  return groups.map((g): Node => (g.length === 1 ? g[0] : { t: 'brk', open: '(', close: ')', items: g }));
}

/** The parser state; its methods are shared with parse-commands.ts (not public API). */
export class Parser {
  pos = 0;
  private depth = 0;
  /** '|' closes the innermost absolute value / set-builder instead of opening a new one */
  private barStops = 0;
  rightStops: string[] = [];

  constructor(readonly toks: Token[]) {}

  done(): boolean {
    return this.pos >= this.toks.length;
  }
  peek(o = 0): Token | undefined {
    return this.toks[this.pos + o];
  }
  next(): Token {
    const t = this.toks[this.pos++];
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
  skipIgnored(): void {
    while (true) {
      const t = this.peek();
      if (t && t.k === 'cmd' && IGNORED.has(t.s)) this.pos++;
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

  startsFactor(): boolean {
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
        const prev = this.toks[this.pos - 1];
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

  parsePower(): Node {
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

  parseExponent(): Node {
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
  fracArg(): Node {
    this.skipIgnored();
    const t = this.peek();
    if (!t) throw new ParseError('missing \\frac argument');
    if (t.k === 'op' && t.s === '{') return this.parseGroup();
    if (t.k === 'num') {
      this.next();
      if (t.s.length > 1) {
        // split off the first digit and push the rest back
        this.pos--;
        (this.toks as Token[])[this.pos] = { k: 'num', s: t.s.slice(1) };
        return numNode(t.s[0]);
      }
      return numNode(t.s);
    }
    return this.parsePrimary();
  }

  parsePrimary(): Node {
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
        const save = this.pos;
        this.next();
        const a = this.fracArg();
        const b = this.fracArg();
        if (a.t === 'num' && b.t === 'num' && a.v.isInteger() && b.v.isInteger() && !b.v.isZero()) {
          return { t: 'num', v: (n as { v: Rational }).v.add(a.v.div(b.v)) };
        }
        this.pos = save;
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
          this.pos--;
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
    return parseCommand(this, t.s);
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

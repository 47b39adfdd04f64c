// Expression tree -> mathjs expression text for the CAS worker. Variables are renamed to
// `v0, v1, …` so that names like `e`, `i`, `pi`, `gamma` never collide with mathjs built-ins.
import type { Node } from './ast.js';
import { oddRootExponent } from './evaluate.js';

export class UnsupportedNode extends Error {}

const FN_MAP: Record<string, string> = {
  sin: 'sin', cos: 'cos', tan: 'tan', cot: 'cot', sec: 'sec', csc: 'csc',
  sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', coth: 'coth',
  arcsin: 'asin', arccos: 'acos', arctan: 'atan', arccot: 'acot', arcsec: 'asec', arccsc: 'acsc',
  ln: 'log', log: 'log', log10: 'log10', exp: 'exp', abs: 'abs', floor: 'floor', ceil: 'ceil',
  sqrt: 'sqrt', max: 'max', min: 'min', gcd: 'gcd', lcm: 'lcm',
};

export function toMathjs(n: Node, vars: Map<string, string>): string {
  const r = (x: Node) => toMathjs(x, vars);
  switch (n.t) {
    case 'num':
      return n.v.d === 1n ? `(${n.v.n})` : `(${n.v.n}/${n.v.d})`;
    case 'sym': {
      let v = vars.get(n.name);
      if (!v) {
        v = `v${vars.size}`;
        vars.set(n.name, v);
      }
      return v;
    }
    case 'const':
      return n.name === 'inf' ? 'Infinity' : n.name;
    case 'neg':
      return `(-${r(n.x)})`;
    case 'add':
      return `(${n.a.map(r).join(' + ')})`;
    case 'mul':
      return `(${n.a.map(r).join(' * ')})`;
    case 'div':
      return `(${r(n.n)} / ${r(n.d)})`;
    case 'pow': {
      // x^{p/q} with q odd is the real q-th root raised to p (mathjs's `^` takes the principal
      // complex branch for a negative base, while \sqrt[3]{} is the real root)
      const odd = oddRootExponent(n.e);
      if (odd) return `(nthRoot(${r(n.b)}, ${odd.d}) ^ (${odd.n}))`;
      return `(${r(n.b)} ^ ${r(n.e)})`;
    }
    case 'pct':
      return `(${r(n.x)} / 100)`;
    case 'fn': {
      const a = n.args.map(r);
      if (n.name === 'root') return `nthRoot(${a[0]}, ${a[1]})`;
      if (n.name === 'logb') return `log(${a[0]}, ${a[1]})`;
      if (n.name === 'factorial') return `gamma(${a[0]} + 1)`;
      if (n.name === 'binom') return `(gamma(${a[0]} + 1) / (gamma(${a[1]} + 1) * gamma(${a[0]} - ${a[1]} + 1)))`;
      const f = FN_MAP[n.name];
      if (!f) throw new UnsupportedNode(`function ${n.name}`);
      return `${f}(${a.join(', ')})`;
    }
    default:
      throw new UnsupportedNode(n.t);
  }
}

// A response may write the answer as a sum or product of matrices ("A + B = …" stops at the
// sum, or "I \cdot I"); the value of such an expression is a matrix, computed here as a new
// tree per entry (the entries themselves are compared exactly later).
import type { Node } from './ast.js';

type Rows = Node[][];

const add = (a: Node, b: Node): Node => ({ t: 'add', a: [a, b] });
const mul = (a: Node, b: Node): Node => ({ t: 'mul', a: [a, b] });

function hasMatrix(n: Node): boolean {
  if (n.t === 'matrix') return true;
  if (n.t === 'add' || n.t === 'mul') return n.a.some(hasMatrix);
  if (n.t === 'neg') return hasMatrix(n.x);
  return false;
}

function value(n: Node): Rows | Node | null {
  switch (n.t) {
    case 'matrix':
      return n.rows;
    case 'neg': {
      const v = value(n.x);
      if (!v) return null;
      return Array.isArray(v) ? v.map((r) => r.map((x): Node => ({ t: 'neg', x }))) : { t: 'neg', x: v };
    }
    case 'add': {
      let acc: Rows | null = null;
      for (const term of n.a) {
        const v = value(term);
        if (!v || !Array.isArray(v)) return null; // a scalar plus a matrix is not defined
        if (!acc) acc = v;
        else {
          const prev: Rows = acc;
          if (prev.length !== v.length || prev.some((r, i) => r.length !== v[i].length)) return null;
          acc = prev.map((r, i) => r.map((x, j) => add(x, v[i][j])));
        }
      }
      return acc;
    }
    case 'mul': {
      let acc: Rows | Node | null = null;
      for (const f of n.a) {
        const v = hasMatrix(f) ? value(f) : f;
        if (!v) return null;
        if (acc === null) acc = v;
        else acc = product(acc, v);
        if (!acc) return null;
      }
      return acc;
    }
    default:
      return n;
  }
}

function product(a: Rows | Node, b: Rows | Node): Rows | Node | null {
  const am = Array.isArray(a);
  const bm = Array.isArray(b);
  if (!am && !bm) return mul(a as Node, b as Node);
  if (!am) return (b as Rows).map((r) => r.map((x) => mul(a as Node, x)));
  if (!bm) return (a as Rows).map((r) => r.map((x) => mul(x, b as Node)));
  const A = a as Rows;
  const B = b as Rows;
  const inner = A[0]?.length ?? 0;
  if (A.some((r) => r.length !== inner) || B.length !== inner || inner === 0) return null;
  const cols = B[0].length;
  return A.map((row) => Array.from({ length: cols }, (_, j) => ({ t: 'add', a: row.map((x, k) => mul(x, B[k][j])) }) as Node));
}

/** The matrix an expression of matrices evaluates to, or null when it is not one. */
export function matrixValue(n: Node): Node | null {
  if (n.t === 'matrix' || !hasMatrix(n)) return null;
  const v = value(n);
  return Array.isArray(v) ? { t: 'matrix', rows: v } : null;
}

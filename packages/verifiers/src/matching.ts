// Unordered comparison helpers for lists of answers: a perfect matching between two lists given
// which pairs are equal (augmenting paths), and removing repeated items.
import type { Node } from './ast.js';
import { nodeKey } from './scalar.js';

/** Whether every row can be matched to its own column among the true entries of `eq` (n×n). */
export function perfectMatching(eq: boolean[][]): boolean {
  const n = eq.length;
  const matchB = new Array<number>(n).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < n; j++) {
      if (!eq[i][j] || seen[j]) continue;
      seen[j] = true;
      if (matchB[j] < 0 || tryAssign(matchB[j], seen)) {
        matchB[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < n; i++) if (!tryAssign(i, new Array<boolean>(n).fill(false))) return false;
  return true;
}

/** The items without repeats (structurally identical trees). */
export function dedupe(items: Node[]): Node[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = nodeKey(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

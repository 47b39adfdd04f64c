// \boxed{} / \fbox{} spans of a response, and which of them form the final answer: the last box,
// together with the boxes right before it when they are joined into one answer ("x=\boxed{1}
// and x=\boxed{-2}", "\boxed{1}\quad\text{and}\quad\boxed{2}", "\boxed{1}\boxed{2}", commas), or
// a hedge when joined by "or" ("either \boxed{6} or \boxed{7}").
import { matchBrace } from './normalize.js';

export interface Box {
  start: number;
  end: number;
  content: string;
}

/** The box starting at `idx` (brace matched; `\boxed 5` without braces), or null. */
export function boxAt(s: string, idx: number): Box | null {
  const m = /^\\(?:boxed|fbox)\s*/.exec(s.slice(idx, idx + 12));
  if (!m) return null;
  const p = idx + m[0].length;
  if (s[p] === '{') {
    const close = matchBrace(s, p);
    if (close < 0) {
      // truncated generation: "\boxed{12" keeps what was written (up to the end of its line)
      const rest = s.slice(p + 1, p + 1 + 1000);
      const nl = rest.indexOf('\n');
      return { start: idx, end: s.length, content: (nl >= 0 ? rest.slice(0, nl) : rest).replace(/\$.*$/, '') };
    }
    return { start: idx, end: close + 1, content: s.slice(p + 1, close) };
  }
  const t = /^[^\s$]+/.exec(s.slice(p, p + 200));
  return t ? { start: idx, end: p + t[0].length, content: t[0] } : null;
}

function lastBoxIndex(s: string, before: number): number {
  return Math.max(s.lastIndexOf('\\boxed', before), s.lastIndexOf('\\fbox', before));
}

// What may stand between two boxes of one answer, once spacing commands are dropped:
// punctuation, one connective (after at most one unit word: "\boxed{1} papers and \boxed{2}",
// or the label of the part it answers: "\boxed{3} for part (a) and \boxed{5}"),
// and a label of the next box ("x=", "b_2 =").
const CONNECTOR = /^[\s$,;，、.]*(?:[A-Za-z]{2,12}\s+(?=and\b)|(?:for\s+)?(?:part\s+)?\(\s*[a-z0-9]{1,4}\s*\)\s*(?=and\b))?(or|and|或|和|及|以及|与)?[\s$,;，、]*(?:[A-Za-z](?:_\{?\w+\}?)?\s*=\s*)?[\s$]*$/i;
const SPACING = /\\(?:quad|qquad|,|;|:|!|enspace|hspace\s*\{[^{}]*\}|\(|\))|~|\\\\|&/g;
const TEXT_WORD = /\\(?:text|textrm|mbox|mathrm)\s*\{\s*([^{}]*?)\s*\}/g;

/** The boxes that form the final answer, and whether they are a hedge ("or"). */
export function finalBoxes(s: string): { boxes: Box[]; hedged: boolean } | null {
  const idx = lastBoxIndex(s, s.length);
  if (idx < 0) return null;
  const last = boxAt(s, idx);
  if (!last) return null;
  const boxes = [last];
  let hedged = false;
  let before = idx;
  for (let guard = 0; guard < 20; guard++) {
    const j = lastBoxIndex(s, before - 1);
    if (j < 0) break;
    const b = boxAt(s, j);
    if (!b || b.end > before) break;
    const raw = s.slice(b.end, before);
    if (raw.length > 60) break;
    const gap = raw.replace(TEXT_WORD, ' $1 ').replace(SPACING, ' ');
    const m = CONNECTOR.exec(gap);
    if (!m) break;
    // a sentence end between two boxes ("\boxed{3}. Next, \boxed{4}") is not one answer
    if (/\.\s/.test(gap) && !m[1]) break;
    if (m[1] && /or|或/i.test(m[1])) hedged = true;
    boxes.unshift(b);
    before = j;
  }
  return { boxes, hedged };
}

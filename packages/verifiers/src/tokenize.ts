// Tokenizer for normalised LaTeX / plain-text math. Linear in the input length.

export type Token =
  | { k: 'num'; s: string }
  | { k: 'id'; s: string }
  | { k: 'cmd'; s: string }
  | { k: 'op'; s: string }
  | { k: 'word'; s: string };

/** Plain-text function names recognised without a backslash (`np.arcsin(10/13)`, `sqrt(2)`). */
const PLAIN_FUNCS = new Set([
  'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'arcsin', 'arccos', 'arctan', 'asin', 'acos', 'atan',
  'sinh', 'cosh', 'tanh', 'ln', 'log', 'exp', 'sqrt', 'abs',
]);

const NUM_RE = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+(?![A-Za-z]))?/y;
const CMD_RE = /\\([A-Za-z]+|.)/y;
const LETTERS_RE = /[A-Za-z]+/y;

export class TokenizeError extends Error {}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '~') {
      i++;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && src[i + 1] >= '0' && src[i + 1] <= '9')) {
      NUM_RE.lastIndex = i;
      const m = NUM_RE.exec(src);
      if (m) {
        out.push({ k: 'num', s: m[0] });
        i += m[0].length;
        continue;
      }
    }
    if (c === '\\') {
      CMD_RE.lastIndex = i;
      const m = CMD_RE.exec(src);
      if (!m) throw new TokenizeError('dangling backslash');
      const name = m[1];
      i += m[0].length;
      if (name === '\\') out.push({ k: 'op', s: 'rowsep' });
      else if (name === '{') out.push({ k: 'op', s: '\\{' });
      else if (name === '}') out.push({ k: 'op', s: '\\}' });
      else if (name === '|') out.push({ k: 'op', s: '|' });
      else if (name === '%') out.push({ k: 'op', s: '%' });
      else if (name === ',' || name === ';' || name === '!' || name === ':' || name === ' ') continue;
      else out.push({ k: 'cmd', s: name });
      continue;
    }
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      LETTERS_RE.lastIndex = i;
      const m = LETTERS_RE.exec(src)!;
      const w = m[0];
      i += w.length;
      if (PLAIN_FUNCS.has(w)) out.push({ k: 'cmd', s: w === 'asin' ? 'arcsin' : w === 'acos' ? 'arccos' : w === 'atan' ? 'arctan' : w });
      else for (const ch of w) out.push({ k: 'id', s: ch });
      continue;
    }
    if ('+-*/^_()[]{},|!=<>\'&;%:'.includes(c)) {
      // two-character operators from plain text
      const two = src.slice(i, i + 2);
      if (two === '<=' || two === '>=' || two === '!=' || two === '**') {
        out.push({ k: 'op', s: two === '**' ? '^' : two });
        i += 2;
        continue;
      }
      out.push({ k: 'op', s: c });
      i++;
      continue;
    }
    if (c === '.') {
      i++;
      continue; // stray dot (e.g. end of sentence), ignore
    }
    // any other character (CJK text etc.) becomes a word token so the parser can refuse it
    out.push({ k: 'word', s: c });
    i++;
  }
  return out;
}

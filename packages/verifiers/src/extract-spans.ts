// Unboxed, unmarked answers: the last LaTeX math span ($…$, $$…$$, \(…\), \[…\]) and the last
// standalone expression of the text outside math spans. A number is never cut out of a larger
// expression: `\frac{1}{3}` stays whole, `1\,234`, `1{,}234`, `1 000`, `10,455` are one number,
// `12:00` is a time, and a digit glued inside a word (`AZYUK2A`) is not an answer.

export interface Span {
  start: number;
  end: number;
  content: string;
}

const PROSE_WORD = /(?<![\\A-Za-z])[A-Za-z]{3,}(?![A-Za-z])/g;

/** Plain words of three or more letters outside `\text{…}` and LaTeX commands. */
export function proseWords(s: string): number {
  const t = s.replace(/\\(?:text\w*|mbox|mathrm|operatorname)\s*\{[^{}]*\}/g, ' ');
  return (t.match(PROSE_WORD) ?? []).filter((w) => !FUNCTION_WORDS.has(w.toLowerCase())).length;
}

const FUNCTION_WORDS = new Set(['sqrt', 'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'log', 'exp', 'arcsin', 'arccos', 'arctan', 'infty', 'inf', 'frac', 'cdot', 'times', 'pmatrix', 'bmatrix', 'matrix', 'begin', 'end', 'array']);

/**
 * Math spans in order. A `$` that opens no sensible span (its partner is on another line, or the
 * "span" reads as prose, as with prices: "$10,000 + $200 = $10,200") is taken as a dollar sign.
 */
export function mathSpans(s: string): Span[] {
  const out: Span[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const env = c === '\\' ? DISPLAY_ENV.exec(s.slice(i, i + 30)) : null;
    if (env) {
      const close = s.indexOf(`\\end{${env[1]}}`, i + env[0].length);
      if (close < 0) break;
      out.push({ start: i, end: close + env[1].length + 6, content: lastDisplayLine(s.slice(i + env[0].length, close)) });
      i = close + env[1].length + 6;
      continue;
    }
    if (c === '\\' && (s[i + 1] === '[' || s[i + 1] === '(')) {
      const close = s.indexOf(s[i + 1] === '[' ? '\\]' : '\\)', i + 2);
      if (close < 0) break;
      out.push({ start: i, end: close + 2, content: s.slice(i + 2, close) });
      i = close + 2;
      continue;
    }
    if (c === '\\') {
      i += 2; // an escaped character, e.g. \$
      continue;
    }
    if (c === '$') {
      const dd = s[i + 1] === '$';
      const open = dd ? 2 : 1;
      const close = findDollar(s, i + open, dd);
      if (close < 0) {
        i += open;
        continue;
      }
      const content = s.slice(i + open, close);
      if ((!dd && content.includes('\n')) || proseWords(content) >= 2 || (!dd && priceLike(content))) {
        i += open; // a dollar sign, not a span
        continue;
      }
      out.push({ start: i, end: close + open, content });
      i = close + open;
      continue;
    }
    i++;
  }
  return out;
}

const DISPLAY_ENV = /^\\begin\{(align\*?|aligned|equation\*?|gather\*?|eqnarray\*?|split)\}/;

/** The last line of an align-like display ("&= -3x^2 + 9x - 11."), alignment marks removed. */
function lastDisplayLine(body: string): string {
  const lines = body.split(/\\\\/).map((l) => l.replace(/\\(?:nonumber|notag)/g, '').trim()).filter((l) => l.replace(/[&\s.]/g, ''));
  const last = (lines[lines.length - 1] ?? '').replace(/&/g, '').replace(/\\(?:implies|Rightarrow|Longrightarrow|quad|qquad)/g, ' ').trim();
  // a continued line "&= 200." reads as "= 200": its value is the last side
  return last.replace(/^=\s*/, '').replace(/[.,]\s*$/, '');
}

/** "$10,000 + $200": dollar signs paired across prose read as a span that ends in an operator. */
function priceLike(content: string): boolean {
  const t = content.trim();
  if (/(?:[=+\-*/:]|\\times|\\cdot)$/.test(t) && /^\d/.test(t)) return true; // "$x = 5,$" is math
  return /^\d[\d,.]*\s/.test(t) && proseWords(t) >= 1;
}

// "or" joins two inequalities into a union ("$x<-1$ 或 $x>1$"); between equations it lists
// candidates of which the text goes on to pick one ("$x = 3$ or $x = -2$; since x > 0, …")
const OR_JOIN = /^\s*,?\s*(?:or|或)\s*$/;
const INEQUALITY = /[<>]|\\(?:le|ge|leq|geq|lt|gt|leqslant|geqslant)(?![A-Za-z])|[≤≥]/;
const SPAN_JOIN = /^\s*(?:[,，、;；]\s*(?:and|和|且|及|以及)?|and|和|且|及|以及)[\s,，、;；]*$/;

/**
 * The span at `k` together with the spans right before it that form one answer with it:
 * "$a = 3$，$b = 5$", "$x = 1$ and $x = 2$" (commas, "and"), "$x<-1$ 或 $x>1$" (inequalities, "or").
 */
export function joinedSpans(text: string, spans: Span[], k: number): string {
  let first = k;
  const joins = (gap: string, a: string, b: string) =>
    SPAN_JOIN.test(gap) || (OR_JOIN.test(gap) && INEQUALITY.test(a) && INEQUALITY.test(b));
  while (first > 0 && spans[first - 1].content.trim() && joins(text.slice(spans[first - 1].end, spans[first].start), spans[first - 1].content, spans[first].content)) first--;
  return spans.slice(first, k + 1).map((x) => x.content.trim()).join(', ');
}

function findDollar(s: string, from: number, double: boolean): number {
  for (let j = from; j < s.length && j < from + 5000; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '$' && (!double || s[j + 1] === '$')) return j;
  }
  return -1;
}

// ---------- a response that is nothing but an answer ----------

/**
 * A short response that is only an answer, as graders' callers often pass: "1, 2", "- 1",
 * "10\text{ cm}", "12 inches", "A", "Even". No sentence: at most a number's unit words.
 */
export function isBareAnswer(s: string): boolean {
  const t = s.trim();
  if (!t || t.length > 150 || t.includes('\n')) return false;
  if (/[\u4e00-\u9fff]/.test(t) && /[$\d=]/.test(t)) return false; // a Chinese sentence around math
  const plain = t.replace(/\\(?:text\w*|mbox|mathrm|operatorname)\s*\{[^{}]*\}/g, ' ').replace(/\\[A-Za-z]+/g, ' ');
  const words = (plain.match(/[A-Za-z]{2,}/g) ?? []).filter((x) => x !== 'or' && x !== 'and' && x !== 'inf'); // inf: Python's infinity
  if (words.length === 0) return true;
  if (words.length === 1 && /^\$?[A-Za-z]+\$?$/.test(t)) return true; // "Even", "five"
  if (/^(?:all real numbers|no (?:real )?solutions?|none|undefined|does not exist)\.?$/i.test(t)) return true;
  // a value followed by unit words: "12 inches", "6 sq units"
  return words.length <= 3 && /^[-+$\\\d.,{}\s]*\d[\d.,{}\s^]*(?:[A-Za-z]{2,}[\s^{}\d]*)+$/.test(plain.trim()) && /^[-+$\\\d.,\s]/.test(t);
}

// ---------- standalone expressions in prose ----------

const UNIT_GLUE = /^(?:[a-zA-Z]{1,3}[²³]?|%|°|€|£|¥|元|个|cm²|m²|km²)$/;
const OPERATOR = /^(?:=|<|>|≤|≥|≠|<=|>=|!=|\+|-|−|\*|\/|×|÷|±|:|\\(?:cdot|times|div|pm|mp|le|ge|leq|geq|neq|lt|gt|in|approx|cup|cap|to|ne)|\\[,;!]|&)$/;

/** How a whitespace-separated token of prose reads: part of an expression, a bridge, or a word. */
function tokenKind(tok: string): 'math' | 'op' | 'var' | 'word' | 'comma' {
  // "x = 2 or x = 3", "2 and 3": a connective between expressions joins them
  if (OPERATOR.test(tok) || tok === 'or' || tok === 'and') return 'op';
  if (/^[A-Za-z]$/.test(tok)) return 'var';
  if (/^\(?[A-Za-z]\)?$/.test(tok)) return 'word'; // "(C)" belongs to multiple choice
  if (tok.includes('\\')) return /[\\{}^_0-9]/.test(tok) ? 'math' : 'word';
  if (!/[0-9]/.test(tok)) {
    // sqrt(3)-style and operator-laden tokens without digits: x^2+y, f(x)=y
    return /[A-Za-z]/.test(tok) && /^[A-Za-z]?(?:[A-Za-z]+\(|[()+\-*/^=<>|])/.test(tok) && /[()+\-*/^=<>]/.test(tok) && !/[A-Za-z]{4,}(?!\()/.test(tok) ? 'math' : 'word';
  }
  // a number may carry a glued unit at its end (1,000.99m², 5cm, 30%), never letters inside
  const m = /^[-+(\[{]*[0-9.,:/^{}()+\-*=<>|a-zA-Z\\]*?([0-9)}\]])([^0-9]*)$/.exec(tok);
  if (!m) return 'word';
  const tail = m[2].replace(/[)\]}.,;!?]+$/, '');
  if (tail && !UNIT_GLUE.test(tail) && !/^[a-z]$/.test(tail)) return 'word';
  const letters = tok.replace(/\\[a-zA-Z]+/g, '').match(/[A-Za-z]{2,}/g) ?? [];
  if (letters.some((w) => !FUNCTION_WORDS.has(w.toLowerCase()) && !UNIT_GLUE.test(w))) return 'word';
  // "2A" / "K2A": a letter right before a digit inside a word is not an expression
  if (/[A-Za-z]{2,}[0-9]/.test(tok.replace(/\\[a-zA-Z]+/g, '').replace(/sqrt|log|sin|cos|tan|exp/g, ''))) return 'word';
  return 'math';
}

/**
 * The last standalone expression in the text: the last run of expression tokens (numbers,
 * LaTeX, operators, single-letter variables next to an operator), with sentence punctuation
 * trimmed. Null when the text has no token with a digit or a LaTeX command.
 */
export function lastExpression(s: string): Span | null {
  return standaloneExpression(s, 'last');
}

/**
 * The first standalone expression: what an answer anchor states ("Réponse: Janeth aura encore
 * 220 $ à payer d'ici 12 mois." → 220), as Math-Verify and lighteval read the text right after
 * "answer:".
 */
export function firstExpression(s: string): Span | null {
  return standaloneExpression(s, 'first');
}

function standaloneExpression(s: string, which: 'first' | 'last'): Span | null {
  // a \text{…} group is one token even with spaces inside ("10 \text{ cm}^2"); Chinese has no
  // spaces, so a run of CJK characters is a word of its own ("13只鸟" is 13 and a measure word)
  const re = /(?:\\(?:text\w*|mbox|mathrm)\s*\{[^{}\n]*\}|[^\s\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff1f])+|[\u3000-\u303f\u4e00-\u9fff\uff01-\uff0f\uff1a-\uff1f]+/g;
  const toks: { start: number; end: number; text: string; kind: ReturnType<typeof tokenKind> }[] = [];
  for (let m = re.exec(s); m; m = re.exec(s)) {
    let text = m[0];
    // sentence punctuation and markdown around a token
    const lead = /^[*_"'“($]*(?=[^*_"'“($]|$)/.exec(text)![0].replace(/\($/, '');
    text = text.slice(lead.length).replace(/[*_"'”$]+$/, '');
    let end = m.index + lead.length + text.length;
    // "**25%**.": markdown may close after the punctuation too
    const trimmed = text.replace(/(?:[.,;!?。，；！？]|\.\.\.)+$/, '').replace(/[*_]+$/, '');
    const punct = text.slice(trimmed.length);
    end -= text.length - trimmed.length;
    text = trimmed;
    if (!text) continue;
    toks.push({ start: m.index + lead.length, end, text, kind: tokenKind(text) });
    // a comma is a soft boundary: it joins an enumeration "2, 3 and 4" but not "In 2019, 35 came"
    if (punct) toks.push({ start: end, end, text: punct, kind: /^[,，]$/.test(punct) ? 'comma' : 'word' });
  }
  const order = which === 'last' ? toks.map((_t, k) => toks.length - 1 - k) : toks.map((_t, k) => k);
  for (const k of order) {
    if (toks[k].kind !== 'math') continue;
    let a = k;
    let b = k;
    // the first run: the whole run of expression tokens that starts here ("1 000", "3 + 4 = 7")
    if (which === 'first') while (b + 1 < toks.length && (toks[b + 1].kind === 'math' || (toks[b + 1].kind === 'op' && b + 2 < toks.length && (toks[b + 2].kind === 'math' || toks[b + 2].kind === 'var')))) b += toks[b + 1].kind === 'math' ? 1 : 2;
    // extend left over expression tokens and operators; a single-letter variable joins only
    // next to an operator ("x = 3", "x \geq 5"), so that the English "a" never does
    while (a > 0 && (toks[a - 1].kind === 'math' || toks[a - 1].kind === 'op' || (toks[a - 1].kind === 'var' && toks[a].kind === 'op'))) a--;
    while (a < b && toks[a].kind === 'op') a++;
    if (toks.slice(a, b + 1).some((t) => t.text === 'and' || t.text === 'or')) {
      while (a > 1 && toks[a - 1].kind === 'comma' && toks[a - 2].kind === 'math') a -= 2;
    }
    while (b + 2 < toks.length && toks[b + 1].kind === 'op' && (toks[b + 2].kind === 'var' || toks[b + 2].kind === 'math')) b += 2;
    let start = toks[a].start;
    let end = toks[b].end;
    // "[45 degrees]": a bracket whose partner lies outside the expression is not part of it
    const count = (t: string, c: string) => t.split(c).length - 1;
    const text = () => s.slice(start, end);
    if (s[start] === '[' && count(text(), '[') > count(text(), ']')) start++;
    if (s[end - 1] === ']' && count(text(), ']') > count(text(), '[')) end--;
    return { start, end, content: text() };
  }
  return null;
}

// String-level normalisation of an answer before parsing: delimiters, spacing commands,
// \dfrac, degree signs, currency, thousands separators, units in \text{}, "x \in" prefixes,
// number words. Presentation-only differences disappear here (see grader-cases.jsonl `why`).
import { wordsToNumber } from './number-words.js';

const SUPERSCRIPTS: Record<string, string> = { '⁻': '-', '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };

const UNICODE: [RegExp, string | ((m: string) => string)][] = [
  [/[−–—]/g, '-'],
  [/×/g, '\\times '],
  [/[·⋅]/g, '\\cdot '],
  [/÷/g, '\\div '],
  [/≤|⩽/g, '\\leq '],
  [/≥|⩾/g, '\\geq '],
  [/≠/g, '\\neq '],
  [/π/g, '\\pi '],
  [/√/g, '\\sqrt'],
  [/∞/g, '\\infty '],
  [/∅/g, '\\emptyset '],
  [/\b(?:positive\s+)?infinity\b/gi, '\\infty '],
  // Python's spelling, (-inf, 3]; not the \inf command (infimum) nor a word such as "info"
  [/(?<![\\A-Za-z])inf(?![A-Za-z])/g, '\\infty '],
  [/∪/g, '\\cup '],
  [/∩/g, '\\cap '],
  [/∈/g, '\\in '],
  [/°/g, '^\\circ'],
  [/（/g, '('],
  [/）/g, ')'],
  [/，/g, ','],
  [/：/g, ':'],
  [/；/g, ';'],
  [/＝/g, '='],
  [/＋/g, '+'],
  [/．/g, '.'],
  [/、/g, ','],
  [/\u3000/g, ' '],
  [/[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+/g, (m: string) => `^{${[...m].map((c) => SUPERSCRIPTS[c]).join('')}}`],
];

// a unit word: three or more letters, or a common two-letter unit
const UNIT_WORD = '(?:[A-Za-z]{3,}|cm|mm|km|nm|kg|mg|ft|in|yd|mi|hr|ml|mL|cc|oz|lb|kW|MW|ms|ns|eV|Hz|pc|au|ly|AU)';
const UNIT_ATOM = `${UNIT_WORD}(?:\\s*\\^\\s*\\{?\\s*-?\\d+\\s*\\}?)?`;
const PER_ATOM = `(?:${UNIT_WORD}|[A-Za-z])(?:\\s*\\^\\s*\\{?\\s*-?\\d+\\s*\\}?)?`; // after "/": m/s
const UNIT_TAIL = new RegExp(`^(.*?[0-9}).%)])\\s+${UNIT_ATOM}(?:\\s+${UNIT_ATOM}|\\s*/\\s*${PER_ATOM})*$`);

const TEXT_CMD = /\\(?:text|textrm|textnormal|textbf|textit|mbox|mathrm|rm|textsf|mathsf)\s*\{([^{}]*)\}/g;

/** Removes `\boxed{…}` / `\fbox{…}` wrappers (brace-matched), keeping their content. */
export function unwrapBoxed(s: string): string {
  for (let guard = 0; guard < 20; guard++) {
    const m = /\\(?:boxed|fbox)\s*\{/.exec(s);
    if (!m) return s;
    const open = m.index + m[0].length - 1;
    const close = matchBrace(s, open);
    if (close < 0) return s;
    s = s.slice(0, m.index) + s.slice(open + 1, close) + s.slice(close + 1);
  }
  return s;
}

/** Index of the `}` matching the `{` at `open`, skipping escaped braces; -1 when unbalanced. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** True when the string has mathematical content (digits, operators, LaTeX commands). */
function hasMath(s: string): boolean {
  return /[0-9=<>+^_\\/*()[\]]/.test(s);
}

/** Normalises answer text. The result is still LaTeX-like text for the parser. */
export function normalizeAnswer(raw: string): string {
  let s = raw;
  for (const [re, rep] of UNICODE) s = s.replace(re, rep as string);
  // an answer in quotation marks ("7", “7”, or \"7\" escaped by a JSON or Python source) is the answer
  s = s.replace(/^\s*(?:\\?"|“)([^"“”]*?)(?:\\?"|”)\s*\.?\s*$/, '$1');
  // over-escaped commands from JSON or Python sources: "\\left(", "-2 \\le x" (a row break
  // "\\" followed by a letter command other than these stays)
  s = s.replace(/(?<!\\)\\\\(?=(?:left|right|frac|dfrac|tfrac|sqrt|le|ge|leq|geq|lt|gt|neq|pi|infty|in|cup|cap|cdot|times|pm|text|boxed|mathrm|circ)(?![A-Za-z]))/g, '\\');
  s = unwrapBoxed(s);
  s = s.replace(/\\\$/g, ' ').replace(/\$/g, ' ').replace(/[€£¥]|\\euro(?![A-Za-z])/g, ' ');
  s = s.replace(/\\\(|\\\)|\\\[|\\\]/g, ' ');
  // explicit thousands separators: 10,\!080 · 1{,}625
  s = s.replace(/(\d)\s*,\s*\\!\s*(?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/(\d)\s*\{\s*,\s*\}\s*(?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/(\d)\s*\{\s*:\s*\}\s*(?=\d)/g, '$1:'); // a time typeset as 9{:}30
  s = s.replace(/\\left\s*\.|\\right\s*\./g, ' ');
  s = s.replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg|displaystyle|textstyle|limits)(?![A-Za-z])/g, ' ');
  s = s.replace(/(?<!\\)\\(?:!|,|;|:|\s)/g, ' ').replace(/\\(?:qquad|quad|enspace|thinspace|medspace)(?![A-Za-z])/g, ' ');
  s = s.replace(/\\(?:dfrac|tfrac|cfrac)(?![A-Za-z])/g, '\\frac').replace(/\\(?:dbinom|tbinom)(?![A-Za-z])/g, '\\binom');
  // degree signs are presentation
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree|\^\s*\{\s*\\text\{\s*o\s*\}\s*\}/g, ' ');
  s = s.replace(/\^\s*\{\s*\\prime\s*\}|\^\s*\\prime/g, "'");
  s = s.replace(/\\%/g, '%').replace(/\s*\b(?:percent|percentage|pct)\b/gi, '%');
  // repeating decimals 0.\overline{3} -> \frac{1}{3} (exact)
  s = s.replace(/(-?)(\d*)\.(\d*)\\overline\s*\{(\d{1,30})\}/g, (_m, sign: string, ip: string, nr: string, rep: string) => {
    const whole = BigInt((ip || '0') + nr + rep);
    const head = BigInt((ip || '0') + nr);
    const den = 10n ** BigInt(nr.length) * (10n ** BigInt(rep.length) - 1n);
    return `${sign}\\frac{${whole - head}}{${den}}`;
  });
  // a segment or arc written with a bar: \overline{AB} is AB; "\not=" is "\neq"
  s = s.replace(/\\overline\s*\{\s*([A-Za-z]{1,4})\s*\}/g, '$1').replace(/\\not\s*=/g, '\\neq ');
  // the real line
  s = s.replace(/\\mathbb\s*\{?\s*R\s*\}?|^all real numbers$/gi, '(-\\infty, \\infty)');
  s = s.replace(/\\varnothing(?![A-Za-z])|\\\{\s*\\\}/g, '\\emptyset ');
  s = s.replace(/\\langle(?![A-Za-z])/g, '(').replace(/\\rangle(?![A-Za-z])/g, ')');
  s = s.replace(/\bnp\./g, '').replace(/\bmath\./g, '');
  // \text{…} family: connectors, single letters, units, plain words
  s = s.replace(/\\(?:text|mbox)\s*\{\s*(or|and)\s*\}/gi, (_m, w: string) => ` ${w.toLowerCase()} `);
  const withoutText = s.replace(TEXT_CMD, ' ');
  const mathOutside = hasMath(withoutText.replace(/\^\s*\{?\s*\d\s*\}?/g, ' '));
  s = s.replace(/(\\(?:text|textrm|textnormal|textbf|textit|mbox|mathrm|rm|textsf|mathsf)\s*\{([^{}]*)\})(\s*\^\s*\{?\s*-?\d+\s*\}?)?/g,
    (_m, _whole: string, content: string, pow: string | undefined) => {
      const c = content.replace(/~/g, ' ').trim();
      const isText = !/^\\(?:mathrm|rm)/.test(_whole);
      const spaced = /^[\s~]/.test(content);
      // "56.0 \text{ g}" is a unit; \mathrm{i}, \mathrm{e} are letters
      if (/^[A-Za-z]$/.test(c) && mathOutside && (isText || spaced)) return ' ';
      if (/^[A-Za-z]$/.test(c)) return ` ${c}${pow ?? ''} `;
      if (mathOutside && /^[A-Za-z][A-Za-z .\/-]*$/.test(c)) return ' '; // a unit after a value
      if (c === '') return ' ';
      return ` ${c}${pow ?? ''} `;
    });
  s = s.replace(/\\(?:mathbf|boldsymbol|bm|mathit)\s*\{([^{}]*)\}/g, ' $1 ');
  s = s.replace(/\\operatorname\s*\{\s*([A-Za-z]+)\s*\}/g, '\\$1 ');
  // "x \in [a, b]" -> "[a, b]"
  s = s.replace(/^\s*[A-Za-z]\s*\\in\s*/, '');
  s = computedValue(s);
  s = s.replace(/\s+/g, ' ').trim();
  // trailing sentence punctuation
  // (a lone trailing backslash too: `185\` is half of a line break `\\`)
  s = s.replace(/(?:\s|\.|。|,|;|\\\\|(?<!\\)\\)+$/g, '').replace(/^[\s:]+/, '');
  // "1 000 000" (space as thousands separator), only for a whole answer that is one number
  if (/^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/ /g, '');
  // plain unit words after a value: "3 bolts", "27 miles", "20 cm^{2}", "4.5e33 erg/s"
  const unit = UNIT_TAIL.exec(s);
  if (unit && !/\b(?:or|and)\b/.test(s) && !/\\[A-Za-z]+\s*$/.test(unit[1])) {
    const tail = s.slice(unit[1].length).trim();
    if (!/^(?:sin|cos|tan|cot|sec|csc|log|ln|exp|sqrt|arcsin|arccos|arctan)\b/.test(tail)) s = unit[1].trim();
  }
  // glued metric units after a variable-free value: "36\sqrt{7}cm^{3}", "22.1cm^{2}", "576\pi m^{2}"
  // (a bare "m^2" only after a space: "4m^2" may be a product)
  // "1,000.99m^{2}": a bare m glued to a decimal or grouped number is a unit, not a factor
  s = s.replace(/^(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+)\s*m\^\{?[23]\}?$/, '$1');
  const glued = /^(.*?(?:[0-9}]|\\[A-Za-z]+))((?:\s*(?:[kcm]m|kg|mg|mL|ml)|\s+m)(?:\^\{?[23]\}?)?)$/.exec(s);
  if (glued && (/^\s*[kcm]m|kg|mg|ml|mL/.test(glued[2]) || /\^/.test(glued[2])) && !/[A-Za-z]/.test(glued[1].replace(/\\[A-Za-z]+/g, ''))) s = glued[1].trim();
  const w = wordsToNumber(s);
  if (w !== null && /[a-z]/i.test(s)) s = String(w);
  return s;
}

// operators whose result a writer states after "=": we do not evaluate them, the right side is the value
const COMPUTATION = /\\(?:lim|sum|prod|int|iint|oint|bmod|pmod|mod|det|max|min|gcd|lcm)(?![A-Za-z])|\\begin\{vmatrix\}/;

/**
 * `\lim_{x \to 0} \frac{\sin x}{x} = 1`, `17 \bmod 5 = 2`, `\sum_{i=1}^{n} i = \frac{n(n+1)}{2}`: a
 * computation written out with its result is that result (AReaL's math-verify reward tests).
 */
function computedValue(s: string): string {
  let depth = 0;
  let lastEq = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === '=' && depth === 0 && s[i - 1] !== '<' && s[i - 1] !== '>' && s[i - 1] !== '!') lastEq = i;
  }
  if (lastEq < 0) return s;
  const left = s.slice(0, lastEq);
  const right = s.slice(lastEq + 1).trim();
  if (!COMPUTATION.test(left) || COMPUTATION.test(right) || !right) return s;
  return right;
}

/** Compact form for exact string comparison (whitespace and redundant braces removed). */
export function canonicalString(s: string): string {
  return s.replace(/\s+/g, '').replace(/_\{(\w)\}/g, '_$1').replace(/\^\{(\w)\}/g, '^$1').replace(/\\frac\{(\d)\}\{(\d)\}/g, '\\frac$1$2');
}

/**
 * Splits "5 or 9", "0.05 and 0.6", "18 \text{ or } 19" into parts when every part has
 * mathematical content ("necessary and sufficient" stays one answer).
 */
export function splitConnectives(s: string): string[] {
  // "x=1orx=2", "W(x)=1orW(x)=-1": a connective glued between values, as in answers whose
  // spaces a dataset removed (a single letter or a value must follow, never a longer word)
  const parts = s.split(/\s+(?:or|and)\s+|(?<=[)\]}])\s*(?:or|and)\s*(?=[(\[{])|(?<=[\d)\]}])(?:or|and)(?=[A-Za-z](?![A-Za-z])|[\d(\[{\\+-])|\s*(?:或|和|以及|及)\s*/);
  if (parts.length > 1 && parts.every((p) => p.trim() !== '' && /[0-9\\]/.test(p))) return parts.map((p) => p.trim());
  return [s];
}

/** Text answers ("Evelyn", "east", "必要不充分条件"): letters/CJK only, no math. */
export function isTextAnswer(s: string): boolean {
  const t = s.replace(/\\text\s*\{([^{}]*)\}/g, '$1').trim();
  if (/[\u4e00-\u9fff]/.test(t) && !/[0-9=<>^_\\]/.test(t)) return true;
  return /^[A-Za-z][A-Za-z .'-]*$/.test(t) && /[A-Za-z]{3,}/.test(t);
}

export function textKey(s: string): string {
  return s
    .replace(/\\text\s*\{([^{}]*)\}/g, '$1')
    .toLowerCase()
    .replace(/[\s.'"]+/g, ' ')
    .replace(/^(?:an?|the) /, '')
    .trim();
}

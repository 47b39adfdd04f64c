// Final-answer extraction from a model response. Order: the last \boxed{}/\fbox{} (brace
// matched; adjacent boxes joined by "," / "and" / "or" are kept together so that hedges such
// as "either \boxed{6} or \boxed{7}" cannot win on the last box), Minerva's "Final Answer: The
// final answer is … I hope it is correct.", the last answer marker ("the answer is", "final
// answer", 答案是/答案为, 故选/选, "####"), then the last number in the text.
// Reference behaviour compared: Qwen2.5-Math evaluation/parser.py `extract_answer`.
import { matchBrace } from './normalize.js';

export interface Extraction {
  answer: string;
  /** the answer came from \boxed{} / \fbox{} */
  boxed: boolean;
  method: 'boxed' | 'minerva' | 'marker' | 'last-number';
  /** several boxed answers joined by "or" */
  hedged: boolean;
  /** the separate boxed answers when there are several */
  parts?: string[];
}

/** Responses longer than this are cut to their last MAX_RESPONSE_CHARS characters. */
export const MAX_RESPONSE_CHARS = 200_000;

interface Box {
  start: number;
  end: number;
  content: string;
}

function boxAt(s: string, idx: number): Box | null {
  const m = /^\\(?:boxed|fbox)\s*/.exec(s.slice(idx, idx + 12));
  if (!m) return null;
  const p = idx + m[0].length;
  if (s[p] === '{') {
    const close = matchBrace(s, p);
    if (close < 0) return null;
    return { start: idx, end: close + 1, content: s.slice(p + 1, close) };
  }
  // \boxed 5
  const t = /^[^\s$]+/.exec(s.slice(p, p + 200));
  return t ? { start: idx, end: p + t[0].length, content: t[0] } : null;
}

const CONNECTOR = /^[\s$,;，、]*(or|and|或|和|及|以及)?[\s$,;，、]*(?:[A-Za-z](?:_\{?\w+\}?)?\s*=\s*)?[\s$]*$/i;

function lastBoxes(s: string): { boxes: Box[]; hedged: boolean } | null {
  const idx = Math.max(s.lastIndexOf('\\boxed'), s.lastIndexOf('\\fbox'));
  if (idx < 0) return null;
  const last = boxAt(s, idx);
  if (!last) return null;
  const boxes = [last];
  let hedged = false;
  let before = idx;
  for (let guard = 0; guard < 20; guard++) {
    const j = Math.max(s.lastIndexOf('\\boxed', before - 1), s.lastIndexOf('\\fbox', before - 1));
    if (j < 0) break;
    const b = boxAt(s, j);
    if (!b || b.end > before) break;
    const gap = s.slice(b.end, before);
    if (gap.length > 40) break;
    const m = CONNECTOR.exec(gap);
    if (!m) break;
    // "\boxed{6} or \boxed{7}" is a hedge; ", " / "and" join parts of one answer
    if (m[1] && /or|或/i.test(m[1])) hedged = true;
    else if (!m[1] && !/[,;，、]/.test(gap)) break;
    boxes.unshift(b);
    before = j;
  }
  return { boxes, hedged };
}

const MINERVA = /final answer is\s*([\s\S]{0,500}?)\.?\s*I hope it is correct/gi;
const MARKERS: RegExp[] = [
  /the\s+(?:final\s+|correct\s+)?(?:answer|option|choice)\s+(?:is|should be|would be|will be)\s*[:：]?/gi,
  /final\s+answer\s*(?:is)?\s*[:：]?/gi,
  /\banswer\s*[:：]/gi,
  /答案\s*(?:是|为|為|应为|應為)?\s*[:：]?/g,
  /故选\s*[:：]?|(?<![a-zA-Z\u4e00-\u9fff])选\s*[:：]?(?=\s*\(?[A-E])|所以选\s*/g,
  /####/g,
];

function lastMatchEnd(s: string, re: RegExp): { start: number; end: number } | null {
  re.lastIndex = 0;
  let best: { start: number; end: number } | null = null;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    best = { start: m.index, end: m.index + m[0].length };
    if (m[0].length === 0) re.lastIndex++;
  }
  return best;
}

/** The statement after a marker: a `$…$` span, or text up to the end of the sentence/line. */
function statementAfter(s: string, from: number): string {
  // markdown decoration after the marker: "**Final Answer:** 5", "### Answer:\n5"
  let t = s.slice(from, from + 600).replace(/^[\s*#:：_]+/, '');
  const nl = t.indexOf('\n');
  if (nl >= 0) t = t.slice(0, nl);
  if (t.startsWith('$')) {
    const dd = t.startsWith('$$') ? 2 : 1;
    const close = t.indexOf(dd === 2 ? '$$' : '$', dd);
    if (close > dd) {
      const inner = t.slice(dd, close).trim();
      // "$64.00." is a price, not a math span: only accept when it closes properly
      if (!/^\d[\d,]*(?:\.\d+)?$/.test(inner) || close < t.length - 1) return inner;
    }
  }
  const end = /[。！？]|[.!?](?=\s|$)(?!\d)/.exec(t);
  if (end) t = t.slice(0, end.index);
  t = t.replace(/[\s*_]+$/, '').trim();
  // "The volume of $ABCD$ is 120": a sentence, not an answer; keep what follows its last "is"
  const words = t.replace(/\$[^$]*\$/g, ' ').match(/[A-Za-z]{2,}/g) ?? [];
  if (words.length >= 3) {
    const m = /.*\b(?:is|are|equals)\s+/is.exec(t);
    if (m && m[0].length < t.length) t = t.slice(m[0].length).trim();
  }
  return t;
}

const END_OF_TURN = /<\|im_end\|>|<\|im_start\|>|<\|endoftext\|>|<\|eot_id\|>|<\|end_of_text\|>|<\/s>/;

const LAST_NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:\s*\/\s*\d+(?:\.\d+)?)?|-?\.\d+/g;

/** Detailed extraction; null when the response has no recognisable final answer. */
export function extractDetailed(response: string): Extraction | null {
  let s = response;
  // a run-on generation that starts a new chat turn: only the first turn is the answer
  const turnEnd = s.search(END_OF_TURN);
  if (turnEnd >= 0) s = s.slice(0, turnEnd);
  if (s.length > MAX_RESPONSE_CHARS) s = s.slice(s.length - MAX_RESPONSE_CHARS);
  const boxed = lastBoxes(s);
  if (boxed) {
    const parts = boxed.boxes.map((b) => b.content.trim());
    return {
      answer: parts.join(boxed.hedged ? ' or ' : ', '),
      boxed: true,
      method: 'boxed',
      hedged: boxed.hedged,
      ...(parts.length > 1 ? { parts } : {}),
    };
  }
  const minerva = lastMatchEnd(s, MINERVA);
  if (minerva) {
    MINERVA.lastIndex = minerva.start;
    const m = MINERVA.exec(s);
    if (m) {
      const a = m[1].trim().replace(/^\$+|\$+$/g, '').trim();
      if (a) return { answer: a, boxed: false, method: 'minerva', hedged: false };
    }
  }
  let best: { start: number; end: number } | null = null;
  for (const re of MARKERS) {
    const m = lastMatchEnd(s, re);
    if (m && (!best || m.start > best.start)) best = m;
  }
  if (best) {
    const a = statementAfter(s, best.end);
    if (a) return { answer: a, boxed: false, method: 'marker', hedged: false };
  }
  const tail = s.slice(-4000);
  let last: string | null = null;
  LAST_NUMBER.lastIndex = 0;
  for (let m = LAST_NUMBER.exec(tail); m; m = LAST_NUMBER.exec(tail)) last = m[0];
  if (last !== null) return { answer: last.replace(/\s+/g, ''), boxed: false, method: 'last-number', hedged: false };
  return null;
}

/** The final answer stated in a response (see extractDetailed), or null. */
export function extractAnswer(response: string, _opts?: { question?: string; benchmark?: string }): string | null {
  return extractDetailed(response)?.answer ?? null;
}

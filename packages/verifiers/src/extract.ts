// Final-answer extraction from a model response, in this order of priority:
//   0. the content of the last <answer>…</answer> tags (R1-style chat templates), read by the
//      same rules;
//   1. Minerva's "Final Answer: The final answer is X. I hope it is correct." (the last one, as a
//      model may correct itself; a run-on into an invented "Problem:" is cut off first);
//   2. the last \boxed{}/\fbox{} (boxes joined by "and", commas or \quad are one answer; joined
//      by "or" a hedge) or the last explicit answer marker ("final answer", "the answer is",
//      "answer:", 答案是, 故选, "####"), whichever comes later: the last statement wins;
//   3. the last LaTeX math span ($…$, $$…$$, \(…\), \[…\]) or the last standalone expression of
//      the prose, whichever comes later;
//   3a. before 3: a short response that is nothing but its answer ("1, 2", "10\text{ cm}", "A");
//   4. a short response of one or two words ("Even").
// A number is never cut out of a larger expression (see extract-spans.ts).
// Reference behaviour compared: Qwen2.5-Math evaluation/parser.py, huggingface/Math-Verify.
import { finalBoxes } from './extract-boxes.js';
import { sentenceValue } from './extract-sentence.js';
import { firstExpression, isBareAnswer, joinedSpans, lastExpression, mathSpans, proseWords } from './extract-spans.js';

export interface Extraction {
  answer: string;
  /** the answer came from \boxed{} / \fbox{} */
  boxed: boolean;
  /** how it was found; 'math' is a LaTeX span, 'expression' a standalone expression in prose */
  method: 'boxed' | 'minerva' | 'marker' | 'math' | 'expression' | 'whole';
  /** several boxed answers joined by "or" */
  hedged: boolean;
  /** the separate boxed answers when there are several */
  parts?: string[];
}

/** Responses longer than this are cut to their last MAX_RESPONSE_CHARS characters. */
export const MAX_RESPONSE_CHARS = 200_000;

const MINERVA = /final answer is\s*([\s\S]{0,500}?)\.?\s*I hope it is correct/gi;
const ANSWER_TAG = /<answer>[\s\S]{0,5000}?<\/answer>/g;
const MINERVA_ANSWER = /final answer is\s*([\s\S]{0,500}?)\.?\s*I hope it is correct/i;
// a few-shot base model that runs on into an invented next problem
const NEXT_PROBLEM = /\n\s*(?:Problem|Question|Q)\s*\d*\s*[:.]/;
const MARKERS: RegExp[] = [
  /the\s+(?:final\s+|correct\s+)?(?:answer|option|choice)\s+(?:is|should be|would be|will be)\s*[:：]?/gi,
  /final\s+answer\s*(?:is)?\s*[:：]?/gi,
  /\banswer\s*[:：]/gi,
  // French: "la réponse est C", "Réponse : 220"
  /\bréponse\s+(?:finale\s+)?(?:est|:)\s*[:：]?|\bréponse\s*[:：]/gi,
  /答案\s*(?:是|为|為|应为|應為)?\s*[:：]?/g,
  /故选\s*[:：]?|(?<![a-zA-Z\u4e00-\u9fff])选\s*[:：]?(?=\s*\(?[A-E])|所以选\s*/g,
  /####/g,
];

function lastMatch(s: string, re: RegExp): { start: number; end: number } | null {
  re.lastIndex = 0;
  let best: { start: number; end: number } | null = null;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    best = { start: m.index, end: m.index + m[0].length };
    if (m[0].length === 0) re.lastIndex++;
  }
  return best;
}

/** The statement after a marker: a math span, or text up to the end of the sentence/line. */
function statementAfter(s: string, from: number): string {
  // markdown decoration after the marker: "**Final Answer:** 5", "### Answer:\n5"
  let t = s.slice(from, from + 600).replace(/^[\s*#:：_】\]]+/, '');
  const display = /^(?:\$\$|\\\[)([\s\S]*?)(?:\$\$|\\\])/.exec(t);
  if (display && display[1].trim()) return display[1].trim();
  const nl = t.indexOf('\n');
  if (nl >= 0) t = t.slice(0, nl);
  const span = mathSpans(t)[0];
  if (span && span.start === 0 && span.content.trim()) {
    const inner = span.content.trim();
    // "$64.00." is a price, not a math span: only accept when it closes properly
    if (!/^\d[\d,]*(?:\.\d+)?$/.test(inner) || span.end < t.length - 1) return inner;
  }
  const end = /[。！？]|[.!?](?=\s|$)(?!\d)/.exec(t);
  if (end) t = t.slice(0, end.index);
  t = t.replace(/[\s*_]+$/, '').trim();
  // "The volume of $ABCD$ is 120": a sentence, not an answer; keep what follows its last "is"
  const words = t.replace(/\$[^$]*\$/g, ' ').match(/[A-Za-zÀ-ÿ]{2,}/g) ?? [];
  if (words.length >= 3) {
    const m = /.*\b(?:is|are|equals)\s+/is.exec(t);
    if (m && m[0].length < t.length) t = t.slice(m[0].length).trim();
    // "Answer: Jane will still have 220 $ to pay within 12 months", "Answer: after 3 weeks
    // she has **45** apples": the value the sentence marks or states (extract-sentence.ts)
    else if (proseWords(t) >= 3) t = sentenceValue(t) ?? t;
  } else if (/[\u4e00-\u9fff]/.test(t)) {
    // "答案：每份应该是 (\frac{2}{5}) 吨": a Chinese sentence around the value
    const e = firstExpression(t);
    if (e) t = e.content;
  }
  return t.replace(/^\$+|\$+$/g, '').trim();
}

const CUT_OFF = /(?:^|\s)(?:the|a|an|of|to|and|or|we|that|with|for|by|in|on|then|so|as|be|this|which|from|at|is|are|if|get|find)\s*$/i;

const CLOSING_NOTE = /\n[ \t]*(?:[-*_]{3,}[ \t]*\n[\s]{0,4})?(?:\*\*|#+[ \t]*)?(?:Note|Remark|Verification|Check)\b[^\n]*(?:\n(?!\s*(?:\*\*|#+\s*)?(?:Note|Remark|Verification|Check)\b)[^\n]*)*$/i;

const END_OF_TURN = /<\|im_end\|>|<\|im_start\|>|<\|endoftext\|>|<\|eot_id\|>|<\|end_of_text\|>|<\/s>|<｜end▁of▁sentence｜>|<\|end\|>|<end_of_turn>/;
const LEADING_TURN = /^(?:\s*(?:<\|im_start\|>(?:assistant)?|<\|start_header_id\|>assistant<\|end_header_id\|>|<｜Assistant｜>|<s>))+/;

/**
 * Whether a plain expression after the last math span states the answer instead of it: it
 * stands in a later sentence ("We have $x = 2$. So the total is 12.") or ends its sentence ("…
 * $y = 2$, so the sum is 7."). A number that a noun follows in the span's sentence is a detail
 * ("…it takes $4$ bounces to drop below 1 foot", "$4 \times 3.5 = 14$ minutes for 3.5 miles").
 */
function statesLater(text: string, spanEnd: number, exprStart: number, exprEnd: number): boolean {
  if (/[.!?。！？](?:\s|$)|\n/.test(text.slice(spanEnd, exprEnd))) return true;
  if (/^[\s*_]*(?:[.!?。！？]|$)/.test(text.slice(exprEnd))) return true;
  // "…, so the angle is 90 degrees.": a value after "is" with at most two words to the sentence end
  return /\b(?:is|are|was|were|equals|be|becomes)\s*[*_]*$/i.test(text.slice(Math.max(spanEnd, exprStart - 40), exprStart))
    && /^\s*(?:[A-Za-z]+\s*){0,2}[.!?。！？]?\s*$/.test(text.slice(exprEnd).split(/[.!?。！？](?:\s|$)|\n/)[0] + '.');
}

/** "2x = 4 \\implies x = 2." → "x = 2": the conclusion of a span, sentence punctuation dropped. */
function conclusion(a: string): string {
  const parts = a.split(/\\(?:implies|Rightarrow|Longrightarrow|therefore)(?![A-Za-z])/);
  return parts[parts.length - 1].trim().replace(/[.,;]+$/, '').trim();
}

/** Detailed extraction; null when the response has no recognisable final answer. */
export function extractDetailed(response: string): Extraction | null {
  // chat-template markers that open the response ("<|im_start|>assistant") are not content
  let s = response.replace(LEADING_TURN, '');
  // a run-on generation that starts a new chat turn: only the first turn is the answer
  const turnEnd = s.search(END_OF_TURN);
  if (turnEnd >= 0) s = s.slice(0, turnEnd);
  // a reasoning model's answer follows its thinking: "<think>… \boxed{draft} …</think> answer"
  const thinkEnd = s.lastIndexOf('</think>');
  if (thinkEnd >= 0 && s.slice(thinkEnd + 8).trim()) s = s.slice(thinkEnd + 8);
  // GSM8K calculator annotations: "48/2 = <<48/2=24>>24 clips"
  if (s.includes('<<')) s = s.replace(/<<[^<>\n]{0,200}>>/g, '');
  // Asymptote figures ("[asy] … label("$x=-3$", …) [/asy]") are drawings, not statements
  if (s.includes('[asy]')) s = s.replace(/\[asy\][\s\S]*?(?:\[\/asy\]|$)/g, ' ');
  if (s.length > MAX_RESPONSE_CHARS) s = s.slice(s.length - MAX_RESPONSE_CHARS);
  const plain = (answer: string, method: Extraction['method']): Extraction => ({ answer, boxed: false, method, hedged: false });
  // the last Minerva statement counts (a model may correct itself), but not one of a new problem
  const firstHope = s.search(/I hope it is correct/i);
  if (firstHope >= 0) {
    const next = s.slice(firstHope).search(NEXT_PROBLEM);
    if (next >= 0) s = s.slice(0, firstHope + next);
  }

  // "<answer>72</answer>" (R1-style tags): the answer is inside the last pair of tags
  const tag = lastMatch(s, ANSWER_TAG);
  if (tag) {
    const inner = s.slice(tag.start, tag.end).replace(/^<answer>|<\/answer>$/g, '').trim();
    const ext = inner && !/<answer>/.test(inner) ? extractDetailed(inner) : null;
    if (ext) return ext;
  }
  const minerva = lastMatch(s, MINERVA);
  if (minerva) {
    const inner = MINERVA_ANSWER.exec(s.slice(minerva.start, minerva.end))![1].trim();
    const boxedInside = finalBoxes(inner);
    let a = boxedInside ? boxedInside.boxes.map((b) => b.content.trim()).join(', ') : inner.replace(/^\\\(|\\\)$/g, '').replace(/^\$+|\$+$/g, '').replace(/^(?:\\?"|“)|(?:\\?"|”)$/g, '').trim();
    // "The final answer is Jane started growing Sphere 3 hours ago": a sentence around the answer
    if (proseWords(a) >= 3 && !boxedInside) a = lastExpression(a)?.content ?? a;
    if (a) return plain(a, 'minerva');
  }

  const boxed = finalBoxes(s);
  let marker: { start: number; end: number } | null = null;
  for (const re of MARKERS) {
    const m = lastMatch(s, re);
    if (m && (!marker || m.start > marker.start)) marker = m;
  }
  // a marker after the last box restates or corrects it ("\boxed{6}. Wait: the answer is 7.")
  if (marker && (!boxed || marker.start > boxed.boxes[boxed.boxes.length - 1].end)) {
    const a = statementAfter(s, marker.end);
    // after a box, only a statement that reads as an answer overrides it ("…checking the
    // answer is necessary because…" does not)
    if (a && (!boxed || proseWords(a) <= 3)) return plain(a, 'marker');
  }
  if (boxed) {
    const parts = boxed.boxes.map((b) => b.content.trim());
    if (parts.some(Boolean)) {
      return {
        answer: parts.join(boxed.hedged ? ' or ' : ', '),
        boxed: true,
        method: 'boxed',
        hedged: boxed.hedged,
        ...(parts.length > 1 ? { parts } : {}),
      };
    }
  }

  // a response that is nothing but its answer ("1, 2", "10\text{ cm}", "A")
  if (isBareAnswer(s)) {
    const whole = s.trim().replace(/^\$+|\$+$/g, '').replace(/^\\\(|\\\)$/g, '').trim();
    if (whole) return plain(whole.replace(/[.。]$/, ''), 'whole');
  }
  // a generation cut off mid-sentence ("…and then we have to subtract the") never stated an
  // answer: the numbers in its text are intermediate steps
  if (CUT_OFF.test(s)) return null;
  // a closing note or check after the answer ("\n\n**Note**: this assumes 3 colors.") is no answer
  let tail = s.slice(-6000);
  const note = tail.search(CLOSING_NOTE);
  if (note > 0 && lastExpression(tail.slice(0, note))) tail = tail.slice(0, note);
  const spans = mathSpans(tail);
  let spanIdx = spans.length - 1;
  while (spanIdx >= 0 && !spans[spanIdx].content.trim()) spanIdx--;
  const span = spanIdx >= 0 ? spans[spanIdx] : undefined;
  let masked = tail;
  for (const x of spans) masked = masked.slice(0, x.start) + ' '.repeat(x.end - x.start) + masked.slice(x.end);
  const expr = lastExpression(masked);
  if (span && (!expr || span.end > expr.start || !statesLater(tail, span.end, expr.start, expr.end))) return plain(conclusion(joinedSpans(tail, spans, spanIdx)), 'math');
  if (expr) return plain(expr.content.replace(/\$/g, ' ').replace(/\s+/g, ' ').trim(), 'expression');
  const whole = s.trim();
  if (whole && whole.length <= 60 && proseWords(whole) <= 1 && !/[.!?。]\s*\S/.test(whole)) return plain(whole.replace(/[.。]$/, ''), 'whole');
  return null;
}

/** The final answer stated in a response (see extractDetailed), or null. */
export function extractAnswer(response: string, _opts?: { question?: string; benchmark?: string }): string | null {
  return extractDetailed(response)?.answer ?? null;
}

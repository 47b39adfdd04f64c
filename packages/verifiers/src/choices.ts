// Multiple choice: option texts read from the question, and choice letters in answers.

/** Options "A. …  B. …" / "(A) …" / "A、…" read from a question, or null when there are none. */
export function parseOptions(question: string | undefined): Record<string, string> | null {
  if (!question) return null;
  const letters = ['A', 'B', 'C', 'D', 'E'];
  // a marker: start/space/newline/`)`/`$`, the letter, then `.`/`．`/`、`/`:`/`)`; or "(A)"
  const strict = (L: string) => new RegExp(`(?<![A-Za-z0-9\\\\])\\(?${L}(?:\\s*[.．、:：]|\\))`, 'g');
  const loose = (L: string) => new RegExp(`(?:^|\\s)${L}(?=\\s)`, 'g');
  const positions: { L: string; start: number; end: number }[] = [];
  // take the last A-marker that is followed by B, C, D markers in order
  // prefer a punctuated "A." marker; fall back to a bare "A " (some items lose the dot)
  const strictA = [...question.matchAll(strict('A'))];
  // tried from the end of this list: strict markers (last first), then bare ones
  const aMatches = [...question.matchAll(loose('A')), ...strictA];
  for (let k = aMatches.length - 1; k >= 0 && positions.length === 0; k--) {
    const seq: { L: string; start: number; end: number }[] = [];
    let from = aMatches[k].index! + aMatches[k][0].length;
    seq.push({ L: 'A', start: aMatches[k].index!, end: from });
    for (const L of letters.slice(1)) {
      let found: RegExpExecArray | null = null;
      for (const re of [strict(L), loose(L)]) {
        re.lastIndex = from;
        found = re.exec(question);
        if (found) break;
      }
      if (!found) break;
      from = found.index + found[0].length;
      seq.push({ L, start: found.index, end: from });
    }
    if (seq.length >= 4) positions.push(...seq);
  }
  if (!positions.length) return null;
  const out: Record<string, string> = {};
  positions.forEach((p, k) => {
    const end = k + 1 < positions.length ? positions[k + 1].start : question.length;
    out[p.L] = cleanOption(question.slice(p.end, end));
  });
  return out;
}

function cleanOption(s: string): string {
  return s.replace(/\$/g, ' ').replace(/\s+/g, ' ').trim().replace(/[;；,，。]$/, '').trim();
}

/** Choice letters of an answer ("C", "\text{(B)}", "B, C", "BC", "(B)", "选项B") sorted, or null. */
export function choiceLetters(answer: string): string | null {
  let s = answer.replace(/\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}/g, '$1').replace(/\$/g, '').replace(/\*\*|__/g, '');
  s = s.replace(/选项|option|choice|答案|选/gi, '').replace(/\band\b|和|及|、|与/g, ',');
  s = s.replace(/[\s(),，.．:：;]/g, '');
  if (!/^[A-K]{1,5}$/.test(s)) {
    // "C. {x | …}" / "(B) 1/3": a letter followed by the option's text
    const t = answer.replace(/\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}/g, '$1');
    const m = /^\s*\(([A-E])\)\s*\S|^\s*([A-E])\s*[.．:：、)]\s*\S/.exec(t);
    return m ? (m[1] ?? m[2]) : null;
  }
  return [...new Set(s)].sort().join('');
}

/**
 * Choice letters named at the end of a response without an answer marker: "(B)", "option C",
 * "选B", "正确的是 ACD". Used only for multiple-choice golds when no boxed or marked answer exists.
 */
export function lastChoiceMention(response: string): string | null {
  const tail = response.slice(-300);
  // "(B)", "option C", "选B", and Chinese statements of the chosen letters: "正确的是 ACD", "选项是AC"
  // ("不是 A" is "not A"); a letter that ends the response: "…therefore I think it's B"
  const re = /\(([A-E])\)|\b(?:option|choice)\s*\(?([A-E])\b|选\s*([A-E]{1,5})(?![A-Za-z])|(?<!不)(?:是|为|選)\s*[:：]?\s*([A-E]{1,5})(?![A-Za-z])|(?<![A-Za-z'’])(?:it's|is|be)\s+([A-E])[\s.!。*]*$/gi;
  let last: string | null = null;
  for (let m = re.exec(tail); m; m = re.exec(tail)) {
    const L = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5];
    if (L && /^[A-E]{1,5}$/.test(L)) last = [...new Set(L)].sort().join('');
  }
  return last;
}

/**
 * The letter a response opens with: "D. it can't be A or B", "B。不是 A", "C" (lighteval's
 * letter tests). Only for multiple-choice golds, when nothing else names a choice.
 */
export function openingChoice(response: string): string | null {
  const m = /^\s*(?:\*\*)?\(?([A-E])\)?(?:\*\*)?(?=\s*(?:[.．:：)。，,!]|$)|[\u4e00-\u9fff])/.exec(response);
  return m ? m[1] : null;
}

/**
 * The first choice letter of a marked statement: "The answer is for sure D, it can't be A or
 * B" → D, "réponse est C non A" → C. A capital letter standing alone, not the article "A " of
 * an English sentence that goes on ("A student…" has a lower-case word after it).
 */
export function firstChoiceIn(statement: string): string | null {
  return choicesNamed(statement)[0] ?? null;
}

/** Standalone choice letters in order of mention (the article "A" of a sentence excluded). */
function choicesNamed(text: string): string[] {
  const out: string[] = [];
  const re = /(?<![A-Za-z\\])([A-E])(?![A-Za-z'’])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const after = text.slice(m.index + 1);
    if (m[1] === 'A' && /^\s+[a-z]{2,}/.test(after) && !/^\s+(?:or|and|nor|non|ou|et)\b/.test(after)) continue;
    out.push(m[1]);
  }
  return out;
}

/**
 * The one choice letter a response names, when it names exactly one ("Because B is valid",
 * Math-Verify's string extraction); null when it names none or several.
 */
export function onlyChoiceNamed(response: string): string | null {
  const letters = new Set(choicesNamed(response.slice(-2000)));
  return letters.size === 1 ? [...letters][0] : null;
}

/**
 * A gold that names an option together with its text: "(D) Alina", "C. x = 42", "C Cecile",
 * or a sentence ending in one ("… the answer is\n(C) Cecile"), as lighteval and NeMo-Skills
 * store multiple-choice golds. Returns the letter and the option's text, or null.
 */
export function optionNamedByGold(gold: string): { letter: string; text: string } | null {
  const t = gold.replace(/^[\s\S]*\bthe\s+answer\s+is\s*[:：]?\s*/i, '');
  const m = /^\s*\(([A-E])\)\s*(\S[\s\S]*)$|^\s*([A-E])\s*[.．:：)]\s+(\S[\s\S]*)$|^\s*([A-E])\s+([A-Z][a-z]+(?:\s[\s\S]*)?)$/.exec(t);
  if (!m) return null;
  return { letter: (m[1] ?? m[3] ?? m[5])!, text: (m[2] ?? m[4] ?? m[6])!.trim() };
}

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
  const re = /\(([A-E])\)|\b(?:option|choice)\s*\(?([A-E])\b|选\s*([A-E]{1,5})(?![A-Za-z])|(?:是|为|選)\s*[:：]?\s*([A-E]{1,5})(?![A-Za-z])/gi;
  let last: string | null = null;
  for (let m = re.exec(tail); m; m = re.exec(tail)) {
    const L = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (L && /^[A-E]{1,5}$/.test(L)) last = [...new Set(L)].sort().join('');
  }
  return last;
}

/**
 * Multiple-choice options written inline in a question, e.g. Gaokao's
 * `... ( ) A. {x \mid x>-3} B. 2 C. 3 D. 3 \sqrt{2}` or `(A) f(-6)=0 (B) ...`, as a letter -> text map.
 *
 * The markers are searched from the end (D, then C before it, ...) so that letters used inside the
 * question itself (`四棱锥 P-A B C D`) are not taken for markers. A marker is `A.`, `A．`, `A、`,
 * `A:` after whitespace or the start, or `(A)`/`（A）` anywhere; a bare `A` between spaces is accepted only
 * when no such marker exists (the data has a few, e.g. `C \log_2 ...`).
 */
export function parseChoiceOptions(question: string, letters = 'ABCD'): Record<string, string> | undefined {
  const want = [...letters];
  // An extra option E is read when it appears after D.
  const eMarker = findMarker(question, 'E', 0, question.length);
  const lastLetter = want[want.length - 1];
  const dMarker = findMarker(question, lastLetter, 0, question.length);
  if (eMarker && dMarker && eMarker.start > dMarker.end) want.push('E');

  const found: { letter: string; start: number; end: number }[] = [];
  let limit = question.length;
  for (let k = want.length - 1; k >= 0; k--) {
    const m = findMarker(question, want[k], 0, limit);
    if (!m) return undefined;
    found.unshift({ letter: want[k], ...m });
    limit = m.start;
  }
  const options: Record<string, string> = {};
  for (let k = 0; k < found.length; k++) {
    const end = k + 1 < found.length ? found[k + 1].start : question.length;
    // Some questions separate options with a literal backslash-n (`...numbers\\n(B) ...`).
    const text = question.slice(found[k].end, end).replace(/(\\n|\s)+$/, '').trim();
    if (text === '') return undefined;
    options[found[k].letter] = text;
  }
  return options;
}

interface Marker {
  start: number;
  end: number;
}

/** The last marker of `letter` that lies wholly inside [from, to). */
function findMarker(text: string, letter: string, from: number, to: number): Marker | undefined {
  const region = text.slice(from, to);
  // `(A)` is unambiguous wherever it stands (`...set B(C) The medians...`); `A.` needs a space or start before it.
  const paren = lastMatch(region, new RegExp(`()[(（]${letter}[)）]`, 'g'), from);
  const dotted = lastMatch(region, new RegExp(`(^|[\\s:：])${letter}\\s*[.．、:：](?![0-9])`, 'g'), from);
  const strict = paren && dotted ? (paren.start > dotted.start ? paren : dotted) : (paren ?? dotted);
  return strict ?? lastMatch(region, new RegExp(`(^|\\s)${letter}(?=\\s)`, 'g'), from);
}

function lastMatch(region: string, re: RegExp, offset: number): Marker | undefined {
  let best: Marker | undefined;
  for (const m of region.matchAll(re)) {
    const start = offset + (m.index ?? 0) + m[1].length;
    best = { start, end: offset + (m.index ?? 0) + m[0].length };
  }
  return best;
}

// Stop-string matching on incrementally decoded text (vLLM semantics: the text is cut before
// the stop string; the token ids keep the token that completed it).

/**
 * Earliest index at which any of `stops` occurs in `text` at or after `from`, or -1. When two
 * stop strings match, the one that starts first wins.
 */
export function findStop(text: string, stops: readonly string[], from = 0): number {
  let best = -1;
  for (const s of stops) {
    const i = text.indexOf(s, Math.max(0, from));
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

/**
 * Where to resume searching after text of length `checkedLength` was searched: a stop string
 * may straddle the old end, and the last characters of a decode can change once more bytes of a
 * multi-byte character arrive (a trailing U+FFFD), so back off by the longest stop plus a margin.
 */
export function resumeSearchAt(checkedLength: number, stops: readonly string[]): number {
  let longest = 0;
  for (const s of stops) longest = Math.max(longest, s.length);
  return Math.max(0, checkedLength - longest - 4);
}

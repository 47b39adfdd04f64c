/**
 * Content of the last `\boxed{...}` or `\fbox{...}` in a text, brace-matched (nested braces kept,
 * escaped braces `\{`, `\}` not counted). `\boxed 5` (no braces) yields the token after the space.
 * Returns null when there is no complete box. This is the gold-answer rule of MATH and Minerva
 * solutions (hf618/VERL examples/simplelr_math_eval/parser.py, `extract_answer` on `solution`),
 * and reproduces MATH-500's `answer` field for all 500 rows (checked in fixtures/train/README.md).
 */
export function lastBoxed(text: string): string | null {
  const start = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (start < 0) return null;
  let i = start + (text.startsWith('\\boxed', start) ? 6 : 5);
  const afterCommand = i;
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] !== '{') {
    // `\boxed 5$`: the harness takes the text up to the next `$`; a space-delimited token is the same
    // for every case that occurs in the benchmarks. Without a space it is another command (`\boxedx`).
    if (i === afterCommand) return null;
    const m = /^[^\s$]+/.exec(text.slice(i));
    return m ? m[0] : null;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') {
      j++; // skip the escaped character (\{ \} \\)
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return text.slice(i + 1, j);
    }
  }
  return null;
}

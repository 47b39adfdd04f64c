// Ratios "7:32", "S_{MBCN}:S = 7:32", "A:B = 1": each side of an equation with exactly one colon
// becomes the quotient \frac{A}{B}, so that 7:32 = 14:64 = \frac{7}{32}. A time such as "12:00"
// (a zero term) is left as it is and compared as a string.
// Set-builder colons (\{x : x > 0\}) are left alone.

function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (depth === 0 && c === sep) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

/** The answer with ratios written as quotients, or null when it has no ratio. */
export function ratioForm(s: string): string | null {
  if (!s.includes(':') || /\\\{|\\mid|\\to|\\colon/.test(s)) return null;
  let changed = false;
  const sides = splitTopLevel(s, '=').map((side) => {
    const parts = splitTopLevel(side, ':');
    if (parts.length !== 2 || !parts[0].trim() || !parts[1].trim() || /,/.test(side)) return side;
    // "12:00" is a time, never a ratio with a zero term
    if (/^\s*0+\s*$/.test(parts[1]) || /^\s*0+\s*$/.test(parts[0])) return side;
    changed = true;
    return `\\frac{${parts[0].trim()}}{${parts[1].trim()}}`;
  });
  return changed ? sides.join('=') : null;
}

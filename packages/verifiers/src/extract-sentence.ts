// The value that a sentence after an answer marker states, when the sentence has no "is"
// ("Answer: after 3 weeks she has **45** apples", "Réponse : Janeth aura encore 220 $ à payer
// d'ici 12 mois."). Math-Verify and lighteval read the first number after the anchor, which
// grades the 3 of "after 3 weeks"; a model that puts its answer later in the sentence marks it
// or leaves the earlier numbers in qualifiers. So, in order of preference:
//   1. a bold value (`**45**`): markdown emphasis is how chat models mark an answer;
//   2. a derivation that ends the sentence (`… she has 3 \cdot 15 = 45 apples`): its last side;
//   3. a math span (`$45$`);
//   4. a bare expression;
// within each tier the first candidate that is not a qualifier — a number right after a
// preposition of time, place or rate ("after 3 weeks", "in 2 years", "for 5 days", "per 4
// hours", "d'ici 12 mois", "en 6 mois") — wins. When every candidate is a qualifier, the
// sentence's first expression is its value, as the anchor graders read it ("Answer: in 3 days").
import { firstExpression, mathSpans, type Span } from './extract-spans.js';

// the word right before a number that makes it a circumstance rather than the value stated
const QUALIFIER = /(?:^|[\s(,])(?:after|in|within|for|during|over|per|every|each|before|until|at|après|apres|dans|en|pendant|d['’]ici|avant|par|chaque|pour)\s*[*_$(]*$/i;

function qualified(t: string, c: Span): boolean {
  return QUALIFIER.test(t.slice(Math.max(0, c.start - 20), c.start));
}

/** Every standalone expression of `t`, in order (first-expression runs, one after another). */
function expressions(t: string): Span[] {
  const out: Span[] = [];
  let from = 0;
  while (from < t.length && out.length < 50) {
    const e = firstExpression(t.slice(from));
    if (!e) break;
    out.push({ start: from + e.start, end: from + e.end, content: e.content });
    from += Math.max(e.end, e.start + 1);
  }
  return out;
}

function boldValues(t: string): Span[] {
  const out: Span[] = [];
  for (const m of t.matchAll(/\*\*([^*\n]{1,80})(?:\*\*|$)/g)) {
    const inner = m[1].replace(/^\$+|\$+$/g, '').trim();
    if (/[\d\\]/.test(inner)) out.push({ start: m.index!, end: m.index! + m[0].length, content: inner.replace(/[.,;:]+$/, '') });
  }
  return out;
}

/**
 * A computation "30 + 15 = 45" whose last side ends the sentence, but for at most two unit
 * words; a label ("… when y = 5") computes nothing, so its left side must hold a number.
 */
function closingDerivation(t: string, exprs: Span[]): Span[] {
  const last = exprs[exprs.length - 1];
  if (!last || !/\d/.test(last.content.slice(0, Math.max(0, last.content.lastIndexOf('='))))) return [];
  const rest = t.slice(last.end).replace(/[\s.!?,;*_)]+$/, '').trim();
  return rest.split(/\s+/).filter(Boolean).length <= 2 && !/[\d$\\]/.test(rest) ? [last] : [];
}

/** The value stated by a sentence of prose after an answer marker (see above); null if none. */
export function sentenceValue(t: string): string | null {
  const exprs = expressions(t);
  const spans = mathSpans(t).filter((x) => x.content.trim());
  const tiers = [boldValues(t), closingDerivation(t, exprs), spans.map((x) => ({ ...x, content: x.content.trim() })), exprs];
  for (const tier of tiers) {
    const pick = tier.find((c) => !qualified(t, c));
    if (pick) return pick.content;
  }
  return exprs[0]?.content ?? null;
}

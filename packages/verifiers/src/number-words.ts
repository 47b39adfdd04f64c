// "eighteen", "thirty-six", "one hundred and five" -> 18, 36, 105 (answers written in words).
const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

/** The integer a phrase of number words names, or null if it is not only number words. */
export function wordsToNumber(text: string): number | null {
  const words = text.toLowerCase().replace(/[-–]/g, ' ').trim().split(/\s+/).filter((w) => w && w !== 'and');
  if (!words.length) return null;
  let negative = false;
  if (words[0] === 'minus' || words[0] === 'negative') {
    negative = true;
    words.shift();
    if (!words.length) return null;
  }
  let total = 0;
  let current = 0;
  let any = false;
  for (const w of words) {
    if (w in UNITS) current += UNITS[w];
    else if (w in TENS) current += TENS[w];
    else if (w === 'hundred') current = (current || 1) * 100;
    else if (w in SCALES) {
      total += (current || 1) * SCALES[w];
      current = 0;
    } else return null;
    any = true;
  }
  if (!any) return null;
  const v = total + current;
  return negative ? -v : v;
}

// Boxed-answer extraction and inline multiple-choice parsing on hand-written cases.
import { describe, expect, it } from 'vitest';
import { lastBoxed, parseChoiceOptions } from './index.js';

describe('lastBoxed', () => {
  it('takes the last box, brace-matched, nested and escaped braces kept', () => {
    expect(lastBoxed('so \\boxed{1} or \\boxed{\\frac{1}{2}}.')).toBe('\\frac{1}{2}');
    expect(lastBoxed('\\boxed{\\{1,2\\}}')).toBe('\\{1,2\\}');
    expect(lastBoxed('\\fbox{7} end')).toBe('7');
    expect(lastBoxed('\\boxed {x^{2}}')).toBe('x^{2}');
    expect(lastBoxed('$\\boxed 5$')).toBe('5');
    expect(lastBoxed('\\boxed{}')).toBe('');
  });

  it('returns null without a complete box', () => {
    expect(lastBoxed('no box')).toBeNull();
    expect(lastBoxed('\\boxed{unclosed')).toBeNull();
    expect(lastBoxed('\\boxed')).toBeNull();
  });
});

describe('parseChoiceOptions', () => {
  it('reads A. B. C. D. inline, ignoring letters used earlier in the question', () => {
    const q = '四棱锥 P-A B C D 中, 高为 ( ) A. 1 B. 2 C. \\sqrt{2} D. \\sqrt{3}';
    expect(parseChoiceOptions(q)).toEqual({ A: '1', B: '2', C: '\\sqrt{2}', D: '\\sqrt{3}' });
  });

  it('reads (A) markers glued to text and an option E', () => {
    const q = 'Which one?(A) red(B) green(C) blue(D) cyan\\n(E) none';
    expect(parseChoiceOptions(q)).toEqual({ A: 'red', B: 'green', C: 'blue', D: 'cyan', E: 'none' });
  });

  it('accepts a bare letter only where the dotted marker is missing', () => {
    const q = '则 ( ) A. x<1 B. x>1 C x=1 D. x=2';
    expect(parseChoiceOptions(q)).toEqual({ A: 'x<1', B: 'x>1', C: 'x=1', D: 'x=2' });
  });

  it('returns undefined for a question without options', () => {
    expect(parseChoiceOptions('Compute 1+1.')).toBeUndefined();
    expect(parseChoiceOptions('A. only one option')).toBeUndefined();
  });
});

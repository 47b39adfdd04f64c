import { describe, expect, it } from 'vitest';
import { choiceLetters, parseOptions } from './choices.js';

describe('parseOptions', () => {
  it('reads inline options', () => {
    expect(parseOptions('则 z=(\\quad). A. -1-\\mathrm{i} B. -1+\\mathrm{i} C. 1-\\mathrm{i} D. 1+\\mathrm{i}')).toEqual({
      A: '-1-\\mathrm{i}', B: '-1+\\mathrm{i}', C: '1-\\mathrm{i}', D: '1+\\mathrm{i}',
    });
  });
  it('reads options on separate lines with $…$', () => {
    const q = '则 $A \\cap B =$ ( )\n\nA. ${-1, 0}$\nB. ${2, 3}$\nC. ${-3, -1, 0}$\nD. ${-1, 0, 2}$';
    expect(parseOptions(q)).toEqual({ A: '{-1, 0}', B: '{2, 3}', C: '{-3, -1, 0}', D: '{-1, 0, 2}' });
  });
  it('reads (A) style and tolerates a missing dot', () => {
    expect(parseOptions('Which?(A) $100$(B) $200$(C) $300$(D) $400$')).toEqual({ A: '100', B: '200', C: '300', D: '400' });
    expect(parseOptions('方程为 A \\frac{x}{2}=1 B. x=2 C. x=3 D. x=4')?.A).toBe('\\frac{x}{2}=1');
  });
  it('returns null without options', () => {
    expect(parseOptions('Compute 2+2.')).toBeNull();
    expect(parseOptions(undefined)).toBeNull();
  });
});

describe('choiceLetters', () => {
  it('normalises letters', () => {
    expect(choiceLetters('\\text{(C)}')).toBe('C');
    expect(choiceLetters('B, A')).toBe('AB');
    expect(choiceLetters('ACD')).toBe('ACD');
    expect(choiceLetters('B和D')).toBe('BD');
    expect(choiceLetters('C. {x | -3<x<4}')).toBe('C');
    expect(choiceLetters('\\text{(B) } 5')).toBe('B');
    expect(choiceLetters('b>a>c')).toBeNull();
    expect(choiceLetters('12')).toBeNull();
  });
});

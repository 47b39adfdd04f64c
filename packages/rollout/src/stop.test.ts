import { describe, expect, it } from 'vitest';
import { findStop, resumeSearchAt } from './stop.js';

describe('findStop', () => {
  it('finds the earliest match of any stop string at or after the start', () => {
    expect(findStop('abc\n\ndef', ['\n\n'])).toBe(3);
    expect(findStop('xx END yy STOP', ['STOP', 'END'])).toBe(3); // earliest start wins, not list order
    expect(findStop('abab', ['ab'], 1)).toBe(2);
    expect(findStop('abc', ['d'])).toBe(-1);
  });
  it('resumes early enough to catch a stop string straddling the previous end', () => {
    const text = 'hello wor';
    const next = 'hello world';
    expect(findStop(next, ['world'], resumeSearchAt(text.length, ['world']))).toBe(6);
    expect(resumeSearchAt(3, ['long stop string'])).toBe(0);
  });
});

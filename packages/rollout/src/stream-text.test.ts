import { describe, expect, it } from 'vitest';
import { findStop } from './stop.js';
import { StreamText } from './stream-text.js';

/** Token i decodes to PIECES[i]; the pieces are chosen so stop strings span token boundaries. */
const PIECES = ['ab', 'c', 'd', 'ef', 'g', '\uD83D', '\uDE00', 'hi'];
const decode = (ids: number[]) => ids.map((i) => PIECES[i]).join('');

/** Streams ids through StreamText as the server does and returns the released deltas. */
function stream(ids: number[], stop: string[], finalText: string): string[] {
  const t = new StreamText(decode, stop);
  const out: string[] = [];
  ids.forEach((id, k) => {
    t.push(id, -k);
    const part = t.release();
    if (part.text) out.push(part.text);
  });
  out.push(t.finish(finalText, ids, []).text);
  return out;
}

describe('StreamText', () => {
  it('without stop strings releases each token text at once, and the parts join to the final text', () => {
    const parts = stream([0, 1, 2, 3], [], 'abcdef');
    expect(parts).toEqual(['ab', 'c', 'd', 'ef', '']);
  });

  it('never releases text a later stop match would cut: the parts join to the cut text', () => {
    const ids = [0, 1, 2, 3, 4]; // "abcdefg"
    for (const stop of ['cd', 'def', 'g', 'bcdefg']) {
      const text = decode(ids);
      const at = findStop(text, [stop], 0);
      // the engine stops at the token that completes the match
      const cutIds = ids.slice(0, ids.findIndex((_, k) => decode(ids.slice(0, k + 1)).includes(stop)) + 1);
      const finalText = text.slice(0, at);
      const parts = stream(cutIds, [stop], finalText);
      expect(parts.join(''), stop).toBe(finalText);
    }
  });

  it('holds back half of a surrogate pair until the next token completes it', () => {
    const parts = stream([0, 5, 6, 7], [], 'ab\uD83D\uDE00hi');
    expect(parts).toEqual(['ab', '\uD83D\uDE00', 'hi', '']);
  });

  it('hands each token log-prob out once, with the text that covers it', () => {
    const t = new StreamText(decode, ['xyz']); // holds back 2 characters
    t.push(0, -1);
    expect(t.release()).toEqual({ text: '', ids: [], logprobs: [] });
    t.push(1, -2);
    expect(t.release()).toEqual({ text: 'a', ids: [0, 1], logprobs: [-1, -2] });
    expect(t.finish('abc', [0, 1], [-1, -2])).toEqual({ text: 'bc', ids: [], logprobs: [] });
  });

  it('takes the whole rollout at the end when the engine streamed nothing', () => {
    const t = new StreamText(decode, []);
    expect(t.finish('abc', [0, 1], [-1, -2])).toEqual({ text: 'abc', ids: [0, 1], logprobs: [-1, -2] });
  });
});

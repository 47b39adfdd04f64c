// Incremental text of one streamed choice. Tokens arrive one at a time; text is released only
// when it can no longer change: nothing from the start of a complete stop-string match on (the
// token that completes a match is reported before the engine stops on it), and of the rest the
// last (longest stop string - 1) characters are held back, because a stop string completed by
// a later token cuts the final text before its start (an earlier start would already be a
// complete match); a
// trailing U+FFFD or lone high surrogate is held back because it is usually a character whose
// remaining bytes are in the next token. The rollout's final text settles the rest.

import { findStop } from './stop.js';

export class StreamText {
  private readonly ids: number[] = [];
  private readonly logprobs: number[] = [];
  /** tokens not yet sent in a chunk (their log-probs go out with the next text) */
  private pendingFrom = 0;
  private sent = '';
  private readonly holdBack: number;

  constructor(
    private readonly decode: (ids: number[]) => string,
    private readonly stop: string[],
  ) {
    this.holdBack = Math.max(0, ...stop.map((s) => s.length - 1));
  }

  push(token: number, logprob: number): void {
    this.ids.push(token);
    this.logprobs.push(logprob);
  }

  /** Text that became final since the last call, with the tokens produced since then. */
  release(): { text: string; ids: number[]; logprobs: number[] } {
    const text = this.decode(this.ids);
    const match = this.stop.length > 0 ? findStop(text, this.stop, 0) : -1;
    let safe = match >= 0 ? match : text.length - this.holdBack;
    while (safe > this.sent.length && isIncompleteEnd(text, safe)) safe--;
    const delta = safe > this.sent.length && text.startsWith(this.sent) ? text.slice(this.sent.length, safe) : '';
    // tokens whose text is held back wait for the chunk that carries their text
    if (delta === '') return { text: '', ids: [], logprobs: [] };
    this.sent += delta;
    return { text: delta, ...this.takePending() };
  }

  /**
   * The rest of the final text (the rollout's `text`, cut at a stop string and without EOS).
   * When the engine reported no tokens while generating, this is the whole text.
   */
  finish(finalText: string, ids: number[], logprobs: number[]): { text: string; ids: number[]; logprobs: number[] } {
    if (this.ids.length === 0) {
      // nothing was streamed: take the rollout's tokens
      this.ids.push(...ids);
      this.logprobs.push(...logprobs);
    }
    // a released prefix is final by construction; slice past it
    const text = finalText.startsWith(this.sent) ? finalText.slice(this.sent.length) : finalText.slice(Math.min(this.sent.length, finalText.length));
    this.sent += text;
    return { text, ...this.takePending() };
  }

  private takePending(): { ids: number[]; logprobs: number[] } {
    const from = this.pendingFrom;
    this.pendingFrom = this.ids.length;
    return { ids: this.ids.slice(from), logprobs: this.logprobs.slice(from) };
  }
}

function isIncompleteEnd(text: string, end: number): boolean {
  const c = text.charCodeAt(end - 1);
  return c === 0xfffd || (c >= 0xd800 && c <= 0xdbff);
}

// Deterministic, resumable walk over a dataset: each epoch visits every item once in an order
// shuffled from (seed, epoch); the cursor is two integers, so a checkpoint restores it exactly.
import { permutation, Rng } from '@verl-ts/prng';

export interface DataCursorState { epoch: number; offset: number }

export class DataCursor {
  private order: number[];

  constructor(readonly size: number, readonly seed: number, private state: DataCursorState = { epoch: 0, offset: 0 }) {
    if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`DataCursor: dataset size must be a positive integer, got ${size}`);
    if (state.offset < 0 || state.offset > size) throw new RangeError(`DataCursor: offset ${state.offset} outside dataset of ${size}`);
    this.order = this.orderFor(state.epoch);
  }

  private orderFor(epoch: number): number[] {
    return permutation(this.size, new Rng((this.seed * 1000003 + epoch * 7919) >>> 0));
  }

  /** The next `count` item indices (wrapping into a new epoch when needed). */
  take(count: number): number[] {
    const out: number[] = [];
    while (out.length < count) {
      if (this.state.offset >= this.size) {
        this.state = { epoch: this.state.epoch + 1, offset: 0 };
        this.order = this.orderFor(this.state.epoch);
      }
      out.push(this.order[this.state.offset++]);
    }
    return out;
  }

  toJSON(): DataCursorState {
    return { ...this.state };
  }
}

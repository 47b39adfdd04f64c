// Batch checks, position ids and the additive attention mask, computed in plain JS from the
// (non-differentiated) attention mask, so no `where` on a computed condition enters the gradient tape.
import * as tf from '@tensorflow/tfjs';

/** A large negative instead of -inf: a fully masked row (a padding query) stays finite instead of NaN. */
export const MASKED = -1e9;

export interface BatchShape {
  batch: number;
  time: number;
}

/** Validates ids [B, T] and mask [B, P+T] (P = cached length): rectangular, ids in [0, vocab), mask 0/1. */
export function checkBatch(inputIds: number[][], attentionMask: number[][], vocabSize: number, pastLength = 0): BatchShape {
  if (!Array.isArray(inputIds) || inputIds.length === 0) throw new RangeError('inputIds must be a non-empty [batch][time] array');
  const B = inputIds.length;
  const T = inputIds[0].length;
  if (T === 0) throw new RangeError('inputIds rows must not be empty');
  if (!Array.isArray(attentionMask) || attentionMask.length !== B) {
    throw new RangeError(`attentionMask must have ${B} rows like inputIds, got ${Array.isArray(attentionMask) ? attentionMask.length : typeof attentionMask}`);
  }
  for (let b = 0; b < B; b++) {
    const row = inputIds[b];
    if (row.length !== T) throw new RangeError(`inputIds row ${b} has length ${row.length}, expected ${T} (pad rows to one length)`);
    for (let t = 0; t < T; t++) {
      const id = row[t];
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new RangeError(`token id ${id} at inputIds[${b}][${t}] is out of range [0, ${vocabSize})`);
      }
    }
    const m = attentionMask[b];
    if (m.length !== pastLength + T) {
      throw new RangeError(`attentionMask row ${b} has length ${m.length}, expected ${pastLength + T}${pastLength ? ` (cached ${pastLength} + new ${T})` : ''}`);
    }
    for (let t = 0; t < m.length; t++) if (m[t] !== 0 && m[t] !== 1) throw new RangeError(`attentionMask[${b}][${t}] must be 0 or 1, got ${m[t]}`);
  }
  return { batch: B, time: T };
}

/** Position ids as transformers derives them from the mask: cumsum(mask) - 1 (clamped at 0), last T columns. */
export function positionsFromMask(attentionMask: number[][], T: number): number[][] {
  return attentionMask.map((row) => {
    const pos: number[] = new Array(row.length);
    let c = 0;
    for (let t = 0; t < row.length; t++) {
      c += row[t];
      pos[t] = Math.max(c - 1, 0);
    }
    return pos.slice(row.length - T);
  });
}

export function checkPositions(positionIds: number[][], B: number, T: number): void {
  if (positionIds.length !== B || positionIds.some((r) => r.length !== T)) throw new RangeError(`positionIds must have shape [${B}, ${T}] like inputIds`);
  for (const r of positionIds) for (const p of r) if (!Number.isInteger(p) || p < 0) throw new RangeError(`position id ${p} must be a non-negative integer`);
}

/**
 * Additive causal + padding mask [B, 1, rep*T, P+T] for T new queries after P cached positions:
 * query t (absolute index P+t) may see key j when j <= P+t, mask[j] = 1 and, with a sliding
 * window W, P+t-j < W. The [T, P+T] block repeats `rep` times for the grouped query heads.
 */
export function attentionMaskBias(attentionMask: number[][], T: number, rep: number, slidingWindow?: number): tf.Tensor4D {
  const B = attentionMask.length;
  const Tk = attentionMask[0].length;
  const P = Tk - T;
  const out = new Float32Array(B * rep * T * Tk).fill(MASKED);
  for (let b = 0; b < B; b++) {
    const m = attentionMask[b];
    for (let t = 0; t < T; t++) {
      const qi = P + t;
      const lo = slidingWindow ? Math.max(0, qi - slidingWindow + 1) : 0;
      for (let r = 0; r < rep; r++) {
        const o = ((b * rep + r) * T + t) * Tk;
        for (let j = lo; j <= qi; j++) if (m[j] === 1) out[o + j] = 0;
      }
    }
  }
  return tf.tensor4d(out, [B, 1, rep * T, Tk]);
}

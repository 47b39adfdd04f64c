// From per-response scalars to per-token values. The reference multiplies the scalar by the
// response mask (`scores.unsqueeze(-1) * response_mask`, core_algos.py); the VERL bonus goes
// either to every response token or to the final one only (hf618/VERL
// verl/trainer/reward_manager_versions.py writes aux at `valid_response_length - 1`).

import { assertFinite, assertLength } from './validate.js';

export type BonusTokens = 'all' | 'last';
export type TokenMask = ArrayLike<number>[];

/** `out[i][t] = adv[i] * mask[i][t]`. */
export function broadcastOverMask(adv: ArrayLike<number>, mask: TokenMask): number[][] {
  assertLength('mask', mask, adv.length, 'advantages');
  const out: number[][] = [];
  for (let i = 0; i < adv.length; i++) {
    const row = mask[i];
    const r = new Array<number>(row.length);
    for (let t = 0; t < row.length; t++) r[t] = adv[i] * row[t];
    out.push(r);
  }
  return out;
}

/** Number of response tokens per row (the mask's row sums), e.g. for `responseLengths`. */
export function lengthsFromMask(mask: TokenMask): number[] {
  return mask.map((row) => {
    let s = 0;
    for (let t = 0; t < row.length; t++) s += row[t];
    return s;
  });
}

/** Index of the last token with a non-zero mask, or -1 when the row has none. */
export function lastTokenIndex(row: ArrayLike<number>): number {
  for (let t = row.length - 1; t >= 0; t--) if (row[t] !== 0) return t;
  return -1;
}

/**
 * Token-level advantages of a shaped step: `A0_i · mask` everywhere, plus `bonus_i` on every
 * response token (`'all'`) or on the last response token only (`'last'`, the reference).
 * Masked-out tokens stay 0.
 */
export function broadcastShapedAdvantages(
  advantages0: ArrayLike<number>,
  bonus: ArrayLike<number>,
  mask: TokenMask,
  bonusTokens: BonusTokens,
): number[][] {
  checkShaped(advantages0, bonus, mask, bonusTokens);
  const out: number[][] = [];
  for (let i = 0; i < mask.length; i++) {
    const row = mask[i];
    const r = new Array<number>(row.length);
    fillShapedRow(r, 0, advantages0[i], bonus[i], row, bonusTokens);
    out.push(r);
  }
  return out;
}

/**
 * The same as one row-major `Float32Array` of shape [B, T] (T = `width`, default the longest
 * mask row; shorter rows are zero-padded), ready for a tensor constructor.
 */
export function broadcastShapedAdvantagesFlat(
  advantages0: ArrayLike<number>,
  bonus: ArrayLike<number>,
  mask: TokenMask,
  bonusTokens: BonusTokens,
  width?: number,
): Float32Array {
  checkShaped(advantages0, bonus, mask, bonusTokens);
  let T = 0;
  for (const row of mask) T = Math.max(T, row.length);
  if (width !== undefined) {
    if (!Number.isInteger(width) || width < T) throw new RangeError(`width must be an integer >= the longest mask row (${T}), got ${width}`);
    T = width;
  }
  const out = new Float32Array(mask.length * T);
  for (let i = 0; i < mask.length; i++) fillShapedRow(out, i * T, advantages0[i], bonus[i], mask[i], bonusTokens);
  return out;
}

function checkShaped(advantages0: ArrayLike<number>, bonus: ArrayLike<number>, mask: TokenMask, bonusTokens: BonusTokens): void {
  assertLength('bonus', bonus, advantages0.length, 'advantages0');
  assertLength('mask', mask, advantages0.length, 'advantages0');
  assertFinite('bonus', bonus);
  if (bonusTokens !== 'all' && bonusTokens !== 'last') throw new RangeError(`bonusTokens must be 'all' or 'last', got ${String(bonusTokens)}`);
}

function fillShapedRow(
  out: { [t: number]: number },
  offset: number,
  a0: number,
  bonus: number,
  row: ArrayLike<number>,
  bonusTokens: BonusTokens,
): void {
  const last = bonusTokens === 'last' ? lastTokenIndex(row) : -1;
  const every = bonusTokens === 'all' ? a0 + bonus : a0;
  for (let t = 0; t < row.length; t++) {
    const m = row[t];
    // (A0 + bonus)·m, as the reference's token-wise adv_0 + min(relu(aux_t), |adv_0,t|/κ)
    out[offset + t] = m === 0 ? 0 : (t === last ? a0 + bonus : every) * m;
  }
}

// Padded [B, L] batches of prompt+response sequences and the shifted [B, L-1] grids the losses
// use: logits at position t predict token t+1, so response token j of a sequence with P prompt
// tokens is scored at position P+j-1 and its hidden state (the one that predicted it) is row P+j-1.
// Sequences are right-padded: with causal attention a real token never sees the padding after it,
// and positions stay 0..len-1.

export interface SequencePair { promptIds: number[]; responseIds: number[] }

export interface TokenBatch {
  inputIds: number[][];
  attentionMask: number[][];
  /** [B, L-1]: token t+1 of each row (padding positions hold padId) */
  labels: number[][];
  /** [B, L-1]: 1 where the label is a loss token (response tokens, or all real tokens with includePrompt) */
  lossMask: number[][];
  /** number of loss tokens per row */
  lossTokens: number[];
  length: number;
}

export function buildTokenBatch(pairs: SequencePair[], padId: number, opts: { includePrompt?: boolean } = {}): TokenBatch {
  if (pairs.length === 0) throw new RangeError('buildTokenBatch: empty batch');
  const L = Math.max(...pairs.map((p) => p.promptIds.length + p.responseIds.length));
  if (L < 2) throw new RangeError('buildTokenBatch: every batch needs a sequence of at least 2 tokens');
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  const labels: number[][] = [];
  const lossMask: number[][] = [];
  const lossTokens: number[] = [];
  for (const [i, p] of pairs.entries()) {
    if (p.promptIds.length === 0) throw new RangeError(`buildTokenBatch: row ${i} has an empty prompt (it needs at least one token, e.g. BOS)`);
    const seq = [...p.promptIds, ...p.responseIds];
    const n = seq.length;
    inputIds.push([...seq, ...new Array<number>(L - n).fill(padId)]);
    attentionMask.push([...new Array<number>(n).fill(1), ...new Array<number>(L - n).fill(0)]);
    const lab = new Array<number>(L - 1).fill(padId);
    const m = new Array<number>(L - 1).fill(0);
    const P = p.promptIds.length;
    let count = 0;
    for (let t = 0; t < n - 1; t++) {
      lab[t] = seq[t + 1];
      if (opts.includePrompt || t >= P - 1) { m[t] = 1; count++; }
    }
    labels.push(lab);
    lossMask.push(m);
    lossTokens.push(count);
  }
  return { inputIds, attentionMask, labels, lossMask, lossTokens, length: L };
}

/** Row-major slices [start, end) of a TokenBatch (micro-batching). */
export function sliceTokenBatch(b: TokenBatch, start: number, end: number): TokenBatch {
  const rows = <T>(x: T[]) => x.slice(start, end);
  // trim trailing all-padding columns so a micro-batch of short rows runs a shorter forward
  const sub = { inputIds: rows(b.inputIds), attentionMask: rows(b.attentionMask), labels: rows(b.labels), lossMask: rows(b.lossMask), lossTokens: rows(b.lossTokens) };
  const L = Math.max(2, ...sub.attentionMask.map((m) => m.reduce((a, v) => a + v, 0)));
  return {
    inputIds: sub.inputIds.map((r) => r.slice(0, L)),
    attentionMask: sub.attentionMask.map((r) => r.slice(0, L)),
    labels: sub.labels.map((r) => r.slice(0, L - 1)),
    lossMask: sub.lossMask.map((r) => r.slice(0, L - 1)),
    lossTokens: sub.lossTokens,
    length: L,
  };
}

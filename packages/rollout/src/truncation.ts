// Top-k / top-p truncation without sorting the vocabulary: a quickselect on probabilities.
// Definitions (vLLM `apply_top_k_top_p`, HF TopKLogitsWarper / TopPLogitsWarper): order tokens
// by probability, most likely first, ties by lower id; top-k keeps the first k; top-p keeps a
// token while the mass of the tokens before it is below topP (the smallest prefix that reaches
// topP; at least one token).

/**
 * The ids of the head of `p` restricted to `ids`, up to a budget: `k` tokens (byMass = false) or,
 * with byMass, tokens kept while the mass before them is below `budget`. Returned unordered.
 * Expected O(n): partition around a median-of-3 pivot into above / equal / below; if the part
 * above already exhausts the budget the cut lies inside it, otherwise keep it (and as much of
 * the equal part as needed, lowest ids first) and continue below.
 */
export function selectHead(p: Float64Array, ids: Int32Array, budget: number, byMass: boolean): Int32Array {
  const out = new Int32Array(ids.length);
  let outN = 0;
  let cur = ids;
  let need = budget;
  const cost = byMass ? (i: number) => p[i] : () => 1;
  while (cur.length > 0 && need > 0) {
    if (cur.length <= 32) {
      const rest = Array.from(cur).sort((a, b) => p[b] - p[a] || a - b);
      for (const i of rest) {
        if (need <= 0) break;
        out[outN++] = i;
        need -= cost(i);
      }
      break;
    }
    const a = p[cur[0]];
    const b = p[cur[cur.length >> 1]];
    const c = p[cur[cur.length - 1]];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    const above = new Int32Array(cur.length);
    const equal = new Int32Array(cur.length);
    const below = new Int32Array(cur.length);
    let nA = 0;
    let nE = 0;
    let nB = 0;
    let costAbove = 0;
    for (let j = 0; j < cur.length; j++) {
      const i = cur[j];
      const v = p[i];
      if (v > pivot) {
        above[nA++] = i;
        costAbove += cost(i);
      } else if (v === pivot) equal[nE++] = i;
      else below[nB++] = i;
    }
    if (costAbove >= need) {
      cur = above.subarray(0, nA);
      continue;
    }
    out.set(above.subarray(0, nA), outN);
    outN += nA;
    need -= costAbove;
    const eq = equal.subarray(0, nE).sort(); // ties: lower ids first
    for (let j = 0; j < nE && need > 0; j++) {
      out[outN++] = eq[j];
      need -= cost(eq[j]);
    }
    cur = below.subarray(0, nB);
  }
  return out.subarray(0, outN);
}

/**
 * The support of the top-k / top-p truncated distribution `p` (probabilities of the whole
 * vocabulary, summing to 1), unordered. topK <= 0 and topP >= 1 disable the filters.
 */
export function truncatedSupport(p: Float64Array, topK: number, topP: number): Int32Array {
  const size = p.length;
  const k = topK > 0 ? Math.min(topK, size) : size;
  // Most of the vocabulary is far below the head: prefilter with a probability threshold. The
  // tokens above a threshold are a prefix of the sorted order, so once they hold k tokens (top-k)
  // or, without top-k, mass >= topP, the support lies among them; else lower the threshold.
  let candidates: Int32Array = new Int32Array(0);
  const scratch = new Int32Array(size);
  for (let threshold = 1e-4; ; threshold *= 1e-3) {
    const t = threshold < 1e-30 ? -Infinity : threshold; // last round: every token
    let n = 0;
    let mass = 0;
    for (let i = 0; i < size; i++) {
      if (p[i] >= t) {
        scratch[n++] = i;
        mass += p[i];
      }
    }
    candidates = scratch.subarray(0, n);
    if (t === -Infinity) break;
    if (topK > 0 ? n >= k : topP < 1 && mass >= topP) break;
  }
  let support = k < candidates.length ? selectHead(p, candidates, k, false) : candidates;
  if (topP < 1) {
    // mass of the top-k set; without top-k the whole distribution, which sums to 1
    let total = 1;
    if (topK > 0) {
      total = 0;
      for (const i of support) total += p[i];
    }
    // compare unnormalised masses: mass before < topP * (mass of the top-k set)
    support = selectHead(p, support, topP * total, true);
    if (support.length === 0) support = selectHead(p, candidates, 1, false);
  }
  return support;
}

// Sample-based accuracy metrics for n responses per problem.
//
// Unbiased pass@k: Chen et al. 2021 ("Evaluating Large Language Models Trained on Code",
// arXiv 2107.03374, §2.1): with n samples of which c are correct,
//   pass@k = E[1 - C(n-c, k) / C(n, k)],
// computed in the numerically stable product form of the paper's Figure 3:
//   1 - prod_{i=n-c+1}^{n} (1 - k / i),
// which avoids the huge binomials (C(1536, 16) overflows doubles only later, but the product
// never loses precision to cancellation).

/** Unbiased estimate of pass@k for one problem from n samples with c correct. */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`passAtK: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(c) || c < 0 || c > n) throw new RangeError(`passAtK: c must be an integer in [0, n=${n}], got ${c}`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`passAtK: k must be an integer in [1, n=${n}], got ${k}`);
  // Fewer than k incorrect samples: every k-subset contains a correct one.
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean unbiased pass@k over problems, each given as its correctness vector. */
export function meanPassAtK(correct: boolean[][], k: number): number {
  if (correct.length === 0) return Number.NaN;
  let s = 0;
  for (const row of correct) s += passAtK(row.length, countTrue(row), k);
  return s / correct.length;
}

/** avg@n: the mean correctness over all n samples of every problem (also the unbiased pass@1). */
export function avgAtN(correct: boolean[][]): number {
  if (correct.length === 0) return Number.NaN;
  let s = 0;
  for (const row of correct) {
    if (row.length === 0) throw new RangeError('avgAtN: a problem has no samples');
    s += countTrue(row) / row.length;
  }
  return s / correct.length;
}

/** pass@1 as a single-attempt harness reports it: the correctness of each problem's first sample. */
export function firstSampleAccuracy(correct: boolean[][]): number {
  if (correct.length === 0) return Number.NaN;
  let s = 0;
  for (const row of correct) {
    if (row.length === 0) throw new RangeError('firstSampleAccuracy: a problem has no samples');
    if (row[0]) s += 1;
  }
  return s / correct.length;
}

function countTrue(row: boolean[]): number {
  let c = 0;
  for (const x of row) if (x) c++;
  return c;
}

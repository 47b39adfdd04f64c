// From rewards and rank metrics to per-token advantages for one step: the estimator's A0 per
// response (grouped by prompt), optionally shaped by the VERL shaper, then spread over the
// response tokens: A0 on every token plus the clipped bonus on every token ('all', the intended
// method) or on the final token ('last', the authors' reference code).
import type { RankMetricsRow } from './contracts.js';
import type { RLDeps, ShaperWithRewards } from './rl-deps.js';

export interface AdvantageResult {
  /** per-response advantage of the tokens that receive the bonus */
  perResponse: number[];
  /** [B][L-1] token advantages on the loss mask */
  tokens: number[][];
  shaperStats: Record<string, number>;
  events: string[];
}

export function computeStepAdvantages(
  deps: Pick<RLDeps, 'computeAdvantages'>, estimator: string, rewards: number[], groupIds: number[],
  lossMask: number[][], rank: RankMetricsRow[], shaper: ShaperWithRewards | null,
): AdvantageResult {
  const lengths = lossMask.map((r) => r.reduce((a, b) => a + b, 0));
  const er = rank.map((m) => m.er);
  const erv = rank.map((m) => m.erv);
  const era = rank.map((m) => m.era);
  const events: string[] = [];
  const finiteRank = [...er, ...erv, ...era].every(Number.isFinite);
  if (shaper && !finiteRank) events.push('rank metrics not finite: VERL shaping skipped this step');
  const useShaper = shaper !== null && finiteRank;
  const shapedRewards = useShaper && shaper.shapeRewards ? shaper.shapeRewards({ rewards, er, erv, era, scores: rewards }) : rewards;
  const a0 = deps.computeAdvantages(estimator, { rewards: shapedRewards, groupIds, responseLengths: lengths });
  let bonus = new Array<number>(a0.length).fill(0);
  let perResponse = a0.slice();
  let shaperStats: Record<string, number> = {};
  let bonusTokens: 'all' | 'last' = 'all';
  if (useShaper) {
    const r = shaper.step({ advantages0: a0, er, erv, era, scores: rewards });
    bonus = r.bonus ?? r.advantages.map((a, i) => a - a0[i]);
    perResponse = r.advantages;
    shaperStats = r.stats;
    bonusTokens = shaper.bonusTokens;
  }
  const tokens = lossMask.map((row, i) => {
    const out = row.map((m) => m * a0[i]);
    if (bonus[i] !== 0) {
      if (bonusTokens === 'all') for (let t = 0; t < row.length; t++) out[t] += row[t] * bonus[i];
      else {
        let last = -1;
        for (let t = row.length - 1; t >= 0; t--) if (row[t] !== 0) { last = t; break; }
        if (last >= 0) out[last] += bonus[i];
      }
    }
    return out;
  });
  return { perResponse, tokens, shaperStats, events };
}

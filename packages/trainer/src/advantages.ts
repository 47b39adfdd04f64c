// From rewards and rank metrics to per-token advantages for one step: the estimator's A0 per
// response (grouped by prompt; @verl-ts/verl-advantage's registry), optionally shaped by the
// VERL shaper (A = A0 + min(relu(aux), |A0|/κ), paper §4), then spread over the response tokens
// by broadcastShapedAdvantages: A0 on every token plus the bonus on every token ('all', the
// intended method) or on the final token ('last', the authors' reference code).
import type { ResponseRankMetrics } from '@verl-ts/rank-metrics';
import { broadcastShapedAdvantages, computeAdvantages, lengthsFromMask, type VerlShaper } from '@verl-ts/verl-advantage';

export interface AdvantageResult {
  /** per-response advantage of the tokens that receive the bonus */
  perResponse: number[];
  /** [B][L-1] token advantages on the loss mask */
  tokens: number[][];
  shaperStats: Record<string, number>;
  events: string[];
}

export function computeStepAdvantages(
  estimator: string, rewards: number[], groupIds: number[], lossMask: number[][],
  rank: Pick<ResponseRankMetrics, 'er' | 'erv' | 'era'>[], shaper: VerlShaper | null,
): AdvantageResult {
  const er = rank.map((m) => m.er);
  const erv = rank.map((m) => m.erv);
  const era = rank.map((m) => m.era);
  const events: string[] = [];
  const finiteRank = [...er, ...erv, ...era].every(Number.isFinite);
  if (shaper && !finiteRank) events.push('rank metrics not finite: VERL shaping skipped this step');
  const useShaper = shaper !== null && finiteRank;
  // the add-reward variant adds aux to the rewards before the estimator; otherwise a copy
  const shapedRewards = useShaper ? shaper.shapeRewards({ rewards, er, erv, era, scores: rewards }) : rewards;
  const a0 = computeAdvantages(estimator, { rewards: shapedRewards, groupIds, responseLengths: lengthsFromMask(lossMask) });
  if (!useShaper) {
    return { perResponse: a0, tokens: broadcastShapedAdvantages(a0, a0.map(() => 0), lossMask, 'all'), shaperStats: {}, events };
  }
  const r = shaper.step({ advantages0: a0, er, erv, era, scores: rewards });
  return { perResponse: r.advantages, tokens: broadcastShapedAdvantages(a0, r.bonus, lossMask, shaper.bonusTokens), shaperStats: r.stats, events };
}

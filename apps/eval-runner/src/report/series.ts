// Which metric keys the report plots, with the spellings trainers commonly use (the trainer's
// metrics.jsonl is flattened by load-run.ts, so nesting and separators do not matter).
import { pick, type Row, type RunData } from './load-run.js';

export const STEP_METRICS = {
  step: ['step', 'globalstep', 'iteration'],
  reward: ['reward/mean', 'rewardmean', 'reward', 'rewards/mean', 'score/mean', 'critic/score/mean'],
  accuracy: ['accuracy/mean', 'accuracy', 'acc/mean', 'acc', 'correct/mean', 'train/accuracy'],
  heldOut: ['eval/accuracy', 'heldout/accuracy', 'val/accuracy', 'test/accuracy', 'validation/accuracy'],
  er: ['rank/er/mean', 'er/mean', 'ermean', 'er', 'effective_rank/mean', 'rank/ermean'],
  erv: ['rank/erv/mean', 'erv/mean', 'ervmean', 'erv', 'rank/ervmean'],
  era: ['rank/era/mean', 'era/mean', 'eramean', 'era', 'rank/eramean'],
  entropy: ['entropy/mean', 'entropy', 'tokenentropy', 'token/entropy', 'actor/entropy', 'policy/entropy'],
  confidence: ['confidence/mean', 'confidence', 'token/confidence'],
  logprob: ['logprob/mean', 'logprobmean', 'oldlogprob/mean', 'meanlogprob'],
} as const;

export const SAMPLE_METRICS = {
  step: ['step'],
  er: ['er', 'rank/er', 'metrics/er'],
  erv: ['erv', 'rank/erv', 'metrics/erv'],
  era: ['era', 'rank/era'],
  entropy: ['entropy', 'tokenentropy', 'meanentropy', 'entropymean'],
  confidence: ['confidence', 'meanconfidence', 'confidencemean'],
  logprob: ['logprobs', 'logprob', 'meanlogprob', 'logprobmean'],
} as const;

/** Per-step series of one metric: [step, value] pairs. */
export function stepSeries(run: RunData, candidates: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  run.steps.forEach((row, i) => {
    const v = pick(row, [...candidates]);
    if (v === undefined) return;
    out.push([pick(row, [...STEP_METRICS.step]) ?? i + 1, v]);
  });
  return out;
}

/** Token-level confidence: an explicit field, else the mean probability of the sampled tokens. */
function confidenceOf(row: Row, table: typeof STEP_METRICS | typeof SAMPLE_METRICS): number | undefined {
  const c = pick(row, [...table.confidence]);
  if (c !== undefined) return c;
  const lp = pick(row, [...table.logprob]);
  return lp === undefined ? undefined : Math.exp(lp);
}

export interface PairedPoints {
  level: 'response' | 'step';
  points: [number, number][];
}

/**
 * Points for the paper's exploration-vs-exploitation comparison (§3, Fig. 1 of arXiv 2509.23808):
 * token level = (entropy, confidence), hidden-state level = (ER, ERV). One point per response
 * from probe.jsonl (written by eval --probe and the demo) or samples.jsonl when they carry the
 * fields, else one per training step.
 */
export function pairedPoints(run: RunData, which: 'token' | 'hidden'): PairedPoints {
  const fromRows = (rows: Row[], table: typeof STEP_METRICS | typeof SAMPLE_METRICS): [number, number][] => {
    const pts: [number, number][] = [];
    for (const row of rows) {
      const x = which === 'token' ? pick(row, [...table.entropy]) : pick(row, [...table.er]);
      const y = which === 'token' ? confidenceOf(row, table) : pick(row, [...table.erv]);
      if (x !== undefined && y !== undefined) pts.push([x, y]);
    }
    return pts;
  };
  const probed = fromRows(run.probes, SAMPLE_METRICS);
  if (probed.length >= 3) return { level: 'response', points: probed };
  const perResponse = fromRows(run.samples, SAMPLE_METRICS);
  if (perResponse.length >= 3) return { level: 'response', points: perResponse };
  return { level: 'step', points: fromRows(run.steps, STEP_METRICS) };
}

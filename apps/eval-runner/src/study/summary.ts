// The numbers of a study from its runs' held-out results: per arm the mean over seeds with its
// t interval, a bootstrap interval over problems, pass@k for k up to n, and the paired
// difference to the first arm (the baseline) with the sentence that states it. Pure: the
// orchestration (run-study.ts) hands in what each finished run scored.
import { avgAtN, meanPassAtK } from '../metrics/pass-at-k.js';
import { bootstrapCI, comparisonSentence, meanCI, pairedDifference, type Interval, type MeanCI } from './stats.js';
import type { StudyArm, StudyEval } from './study-config.js';

/** What one finished run (arm, seed) scored on the held-out problems. */
export interface RunResult {
  seed: number;
  /** per problem id: correctness of each of its n samples */
  correct: Map<string, boolean[]>;
  trainSeconds: number;
  truncatedRate: number;
  meanResponseTokens: number;
  runDir: string;
}

export interface ArmSummary {
  name: string;
  label: string;
  seeds: number[];
  /** held-out avg@n (= unbiased pass@1), per seed and over seeds */
  perSeed: number[];
  avgN: MeanCI;
  /** percentile bootstrap over problems of the per-problem accuracy averaged over seeds */
  bootstrap: Interval & { resamples: number };
  /** unbiased pass@k over seeds, by k */
  passAtK: Record<string, MeanCI>;
  truncatedRate: number;
  meanResponseTokens: number;
  trainSeconds: number;
  /** arm − first arm over the seeds both finished (absent for the first arm) */
  difference?: {
    base: string;
    seeds: number[];
    paired: MeanCI;
    /** bootstrap over problems of (arm − base) per problem, averaged over the common seeds */
    bootstrap: Interval & { resamples: number };
    sentence: string;
  };
}

export interface StudySummary {
  name: string;
  createdAt: string;
  eval: StudyEval;
  ks: number[];
  /** seeds asked for, and whether every arm finished every one */
  seeds: number[];
  complete: boolean;
  arms: ArmSummary[];
  sentences: string[];
  runs: { arm: string; seed: number; runDir: string; avgN: number; truncatedRate: number; meanResponseTokens: number; trainSeconds: number }[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Per-problem accuracy averaged over the given runs, over the problems every run has. */
function perProblem(results: RunResult[]): Map<string, number> {
  const out = new Map<string, number>();
  if (results.length === 0) return out;
  for (const id of results[0].correct.keys()) {
    const rows = results.map((r) => r.correct.get(id));
    if (rows.some((r) => r === undefined || r.length === 0)) continue;
    out.set(id, mean(rows.map((r) => r!.filter(Boolean).length / r!.length)));
  }
  return out;
}

export function summarizeStudy(opts: {
  name: string; eval: StudyEval; ks: number[]; seeds: number[]; arms: { arm: StudyArm; results: RunResult[] }[]; createdAt?: string; bootstrapSeed?: number;
}): StudySummary {
  const bootstrapSeed = opts.bootstrapSeed ?? opts.eval.seed;
  const done = opts.arms.filter((a) => a.results.length > 0);
  const base = done[0];
  const arms: ArmSummary[] = done.map(({ arm, results }) => {
    const sorted = [...results].sort((a, b) => a.seed - b.seed);
    const perSeed = sorted.map((r) => avgAtN([...r.correct.values()]));
    const passAtK: Record<string, MeanCI> = {};
    for (const k of opts.ks) passAtK[String(k)] = meanCI(sorted.map((r) => meanPassAtK([...r.correct.values()], k)));
    const summary: ArmSummary = {
      name: arm.name,
      label: arm.label,
      seeds: sorted.map((r) => r.seed),
      perSeed,
      avgN: meanCI(perSeed),
      bootstrap: bootstrapCI([...perProblem(sorted).values()], { seed: bootstrapSeed }),
      passAtK,
      truncatedRate: mean(sorted.map((r) => r.truncatedRate)),
      meanResponseTokens: mean(sorted.map((r) => r.meanResponseTokens)),
      trainSeconds: mean(sorted.map((r) => r.trainSeconds)),
    };
    if (base && arm.name !== base.arm.name) {
      const common = sorted.map((r) => r.seed).filter((s) => base.results.some((b) => b.seed === s));
      if (common.length > 0) {
        const pick = (rs: RunResult[]) => common.map((s) => rs.find((r) => r.seed === s)!);
        const armRuns = pick(sorted);
        const baseRuns = pick(base.results);
        const paired = pairedDifference(armRuns.map((r) => avgAtN([...r.correct.values()])), baseRuns.map((r) => avgAtN([...r.correct.values()])));
        const a = perProblem(armRuns);
        const b = perProblem(baseRuns);
        const diffs = [...a.entries()].filter(([id]) => b.has(id)).map(([id, v]) => v - b.get(id)!);
        summary.difference = {
          base: base.arm.label,
          seeds: common,
          paired,
          bootstrap: bootstrapCI(diffs, { seed: bootstrapSeed }),
          sentence: comparisonSentence(arm.label, base.arm.label, paired, `held-out avg@${opts.eval.n}`),
        };
      }
    }
    return summary;
  });
  const runs = done.flatMap(({ arm, results }) =>
    [...results].sort((a, b) => a.seed - b.seed).map((r) => ({
      arm: arm.name, seed: r.seed, runDir: r.runDir, avgN: avgAtN([...r.correct.values()]), truncatedRate: r.truncatedRate, meanResponseTokens: r.meanResponseTokens, trainSeconds: r.trainSeconds,
    })),
  );
  return {
    name: opts.name,
    createdAt: opts.createdAt ?? new Date().toISOString(),
    eval: opts.eval,
    ks: opts.ks,
    seeds: opts.seeds,
    complete: opts.arms.every((a) => opts.seeds.every((s) => a.results.some((r) => r.seed === s))),
    arms,
    sentences: arms.flatMap((a) => (a.difference ? [a.difference.sentence] : [])),
    runs,
  };
}

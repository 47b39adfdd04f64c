// One JSON line per step in runs/<name>/metrics.jsonl, and the hooks a progress display uses.

export interface PhaseTimes {
  generate: number;
  grade: number;
  forward: number;
  metrics: number;
  advantage: number;
  update: number;
  /** the checkpoint written after the PREVIOUS step (a step's records are written before its own
   *  checkpoint, so that they are durable when the checkpoint lands); 0 when there was none */
  checkpoint: number;
  total: number;
}

export interface StepMetrics {
  step: number;
  epoch: number;
  rewardMean: number | null;
  rewardStd: number | null;
  accuracy: number | null;
  erMean: number | null; erStd: number | null;
  ervMean: number | null; ervStd: number | null;
  eraMean: number | null; eraStd: number | null;
  /** mean next-token entropy over response tokens under the old policy */
  entropy: number | null;
  /** KL loss term to the reference (mean over updates) */
  kl: number | null;
  /** masked mean of log π_old - log π over updates (verl ppo_kl) */
  approxKl: number | null;
  pgLoss: number | null;
  clipFraction: number | null;
  clipFractionLower: number | null;
  gradNorm: number | null;
  lr: number;
  advantageMean: number | null;
  advantageStd: number | null;
  responseLengthMean: number;
  responseLengthMax: number;
  truncationRate: number;
  updates: number;
  skippedUpdates: number;
  /** share of responses given the DAPO overlong penalty (only with reward.overlong.enabled) */
  overlongPenalisedRate?: number;
  /** the VERL shaper's stats of this step (empty without VERL) */
  shaper: Record<string, number | null>;
  /** seconds per phase */
  time: PhaseTimes;
  /** generated tokens per second of generation */
  generateTokensPerSec: number;
  /** (prompt + response) tokens processed per second over the whole step */
  tokensPerSec: number;
  events?: string[];
}

export interface TrainerHooks<M = StepMetrics | SFTStepMetrics> {
  /** once, when the model and data are loaded and the first step (0, or the resumed checkpoint's) is about to run */
  onStart?(info: { startStep: number; totalSteps: number; resumedFrom: string | null }): void;
  onStep?(m: M): void;
  onPhase?(phase: string, done: number, total: number): void;
  /** after a checkpoint is complete (e.g. tell a remote rollout server to load the new weights) */
  onCheckpoint?(dir: string, step: number): void | Promise<void>;
  /** aborting stops after the current phase; the last finished step is checkpointed */
  signal?: AbortSignal;
}

export interface SFTStepMetrics {
  step: number;
  epoch: number;
  loss: number | null;
  tokenAccuracy: number | null;
  gradNorm: number | null;
  lr: number;
  tokens: number;
  skipped: boolean;
  time: { step: number };
  tokensPerSec: number;
}

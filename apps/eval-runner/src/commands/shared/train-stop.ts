// What `verl train` / `verl sft` say and return when SIGINT or SIGTERM stopped them: exactly
// what was saved (the checkpoint written on the way out, an earlier one, or nothing) and the
// exit status of the signal (130 / 143).
import { stopExitCode, stopSignalOf } from '../../cli/interrupt.js';

export interface StoppedRun {
  runDir: string;
  /** steps completed in total */
  steps: number;
  checkpointDir: string | null;
  checkpointStep: number | null;
  /** the run folder was removed (a new run stopped before its first step finished) */
  discarded: boolean;
}

/** The message for a run stopped through `signal` that started this session at `startStep`. */
export function stoppedRunMessage(r: StoppedRun, signal: AbortSignal, startStep: number): string {
  const by = `stopped by ${stopSignalOf(signal)}`;
  if (r.discarded) return `${by} before step 1 finished: nothing was saved, and the new run folder ${r.runDir} was removed.\n`;
  if (r.checkpointStep === null || r.checkpointDir === null) {
    return `${by} after step ${r.steps}: no checkpoint was saved; rerunning the same command starts the run over.\n`;
  }
  const again = 'Run the same command again to resume.';
  if (r.checkpointStep > startStep) {
    return `${by} after step ${r.steps}: checkpoint step-${r.checkpointStep} saved in ${r.checkpointDir}. ${again}\n`;
  }
  return `${by} before step ${startStep + 1} finished: no new checkpoint; the newest is still step-${r.checkpointStep} in ${r.checkpointDir}. ${again}\n`;
}

export { stopExitCode };

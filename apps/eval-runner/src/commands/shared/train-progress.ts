// Progress display for training: one bar over steps, with the current phase and the latest
// reward/accuracy (or loss for SFT) in the note. A resumed run starts the bar at its checkpoint's
// step (onStart), so the ETA counts only the steps run in this session.
import { ProgressBar } from '../../cli/progress.js';
import type { CommandIO } from '../../cli/command.js';
import type { SFTStepMetrics, StepMetrics } from '@verl-ts/trainer';

export function trainingHooks(
  io: CommandIO, label: string, totalSteps: number,
  extra: { onStep?: (m: StepMetrics | SFTStepMetrics) => void; now?: () => number } = {},
) {
  const bar = new ProgressBar({ label, total: totalSteps, stream: io.stderr, now: extra.now });
  let metricsNote = '';
  let step = 0;
  let startStep = 0;
  return {
    bar,
    /** the step this session started from (0, or the resumed checkpoint's step) */
    startStep: () => startStep,
    hooks: {
      signal: io.signal,
      onStart(info: { startStep: number }) {
        startStep = info.startStep;
        step = info.startStep;
        bar.startFrom(info.startStep);
      },
      // the trainer's typed step records: RL (StepMetrics) or SFT (SFTStepMetrics)
      onStep(m: StepMetrics | SFTStepMetrics) {
        step = m.step;
        const parts: string[] = [];
        const show = (name: string, v: number | null, digits: number) => { if (v !== null) parts.push(`${name}=${v.toFixed(digits)}`); };
        if ('rewardMean' in m) {
          show('reward', m.rewardMean, 3);
          show('acc', m.accuracy, 3);
          show('ER', m.erMean, 2);
        } else {
          show('loss', m.loss, 4);
        }
        metricsNote = parts.join(' ');
        bar.update(step, metricsNote);
        extra.onStep?.(m);
      },
      onPhase(phase: string, done: number, total: number) {
        bar.update(step, `${metricsNote}${metricsNote ? ' ' : ''}[${phase}${total > 1 ? ` ${done}/${total}` : ''}]`);
      },
    },
  };
}

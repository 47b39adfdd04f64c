// Progress display for training: one bar over steps, with the current phase and the latest
// reward/accuracy (or loss for SFT) in the note. A resumed run starts the bar at its checkpoint's
// step (onStart), so the ETA counts only the steps run in this session.
import { ProgressBar } from '../../cli/progress.js';
import type { CommandIO } from '../../cli/command.js';
import { flattenRecord, pick } from '../../report/load-run.js';
import { STEP_METRICS } from '../../report/series.js';

export function trainingHooks(
  io: CommandIO, label: string, totalSteps: number, extra: { onStep?: (m: unknown) => void; now?: () => number } = {},
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
      onStep(m: unknown) {
        const row = flattenRecord(m);
        step = pick(row, ['step']) ?? step + 1;
        const parts: string[] = [];
        const reward = pick(row, [...STEP_METRICS.reward]);
        const acc = pick(row, [...STEP_METRICS.accuracy]);
        const loss = pick(row, ['loss', 'loss/mean', 'train/loss']);
        const er = pick(row, [...STEP_METRICS.er]);
        if (reward !== undefined) parts.push(`reward=${reward.toFixed(3)}`);
        if (acc !== undefined) parts.push(`acc=${acc.toFixed(3)}`);
        if (loss !== undefined) parts.push(`loss=${loss.toFixed(4)}`);
        if (er !== undefined) parts.push(`ER=${er.toFixed(2)}`);
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

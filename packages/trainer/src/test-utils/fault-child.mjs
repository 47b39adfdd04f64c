// Tests only: run (or resume) an RL run from the built package (dist) and, optionally, send this
// process a signal at a named moment of step N:
//   mid-step          when step N reaches its forward phase (generation done, no update yet)
//   mid-checkpoint    inside checkpoint N's write: the weights are in the temporary folder, the
//                     optimizer state and the manifest are not
//   after-checkpoint  as soon as checkpoint N is complete
// argv[2] = JSON of the RL config, argv[3] = JSON { at, step, signal: 'SIGKILL' | 'SIGTERM' } or absent.
// SIGTERM / SIGINT stop the run as the CLI does: abort, finish at the next safe point, save, and
// exit 143 / 130. The last stdout line is the trainRL result.
import { trainRL, parseRLConfig } from '@verl-ts/trainer';

const config = parseRLConfig(JSON.parse(process.argv[2]));
const fault = process.argv[3] ? JSON.parse(process.argv[3]) : null;
const ac = new AbortController();
let stoppedBy = null;
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { stoppedBy ??= sig; ac.abort(); });

let finished = 0; // steps finished in this process's run (onStep), offset by the resume step
// Sends the signal; where the caller can wait (async hook points), it also waits until the
// handler has run, so the signal counts as arrived at exactly this moment (a signal is handled
// on a later turn of the event loop, which synchronous stretches of a step may postpone).
const fire = async (at, step) => {
  if (!fault || fault.at !== at || fault.step !== step) return;
  process.kill(process.pid, fault.signal);
  for (let i = 0; i < 1000 && !ac.signal.aborted; i++) await new Promise((r) => setTimeout(r, 1));
};
const r = await trainRL(config, { hooks: {
  signal: ac.signal,
  onStart: (info) => { finished = info.startStep; },
  onStep: (m) => { finished = m.step; },
  onPhase: (phase, done) => {
    if (phase === 'forward' && done === 0) void fire('mid-step', finished + 1);
    // checkpoint N is written before step N's onStep: the weights are in the temporary folder,
    // the optimizer state and the manifest are not
    if (phase === 'checkpoint' && done === 1) void fire('mid-checkpoint', finished + 1);
  },
  onCheckpoint: (_dir, step) => fire('after-checkpoint', step),
} });
process.stdout.write(JSON.stringify(r) + '\n');
process.exit(stoppedBy === 'SIGTERM' ? 143 : stoppedBy === 'SIGINT' ? 130 : 0);

// verl demo: the embedded default. Trains the bundled tiny policy with GRPO and GRPO+VERL and
// compares held-out accuracy against the start. No download; 4-8 minutes on 2 CPU cores
// (depending on their load), peak RSS ~514 MiB (README: how it was measured).
import { resolve } from 'node:path';
import { bool, num, str } from '../cli/args.js';
import { stopExitCode } from '../cli/interrupt.js';
import type { Command } from '../cli/command.js';
import { formatDuration } from '../cli/progress.js';
import { DEMO_DEFAULTS, type DemoSettings } from '../demo/config.js';
import { parseBackend } from './shared/engine.js';

/** The smoke-test budget of --quick. */
const QUICK = { steps: 2, promptsPerStep: 4, evalProblems: 20 } as const;

export const command: Command = {
  spec: {
    name: 'demo',
    summary: 'the embedded demo: GRPO vs GRPO+VERL on the bundled tiny model (minutes on 2 cores, ~0.5 GB)',
    usage: 'verl demo [--out DIR] [--steps N] [--quick]',
    options: {
      out: { type: 'string', value: 'DIR', description: 'output folder, rerun to resume an interrupted demo (default: runs/demo where the command was started)' },
      steps: { type: 'string', value: 'N', description: `RL steps per arm (default: ${DEMO_DEFAULTS.steps}; --quick: ${QUICK.steps})` },
      'prompts-per-step': { type: 'string', value: 'N', description: `prompts per RL step (default: ${DEMO_DEFAULTS.promptsPerStep}; --quick: ${QUICK.promptsPerStep})` },
      n: { type: 'string', value: 'N', description: `responses per prompt, the GRPO group size (default: ${DEMO_DEFAULTS.n})` },
      'eval-problems': { type: 'string', value: 'N', description: `held-out problems evaluated (default: ${DEMO_DEFAULTS.evalProblems}; --quick: ${QUICK.evalProblems})` },
      lr: { type: 'string', value: 'LR', description: `actor learning rate (default: ${DEMO_DEFAULTS.lr})` },
      seed: { type: 'string', value: 'S', default: String(DEMO_DEFAULTS.seed), description: 'seed of training data and sampling' },
      quick: { type: 'boolean', description: 'a smoke-test budget (2 steps, 20 problems), for trying the pipeline' },
      model: { type: 'string', value: 'DIR', description: 'start from this model folder instead of the bundled one' },
      backend: { type: 'string', value: 'NAME', description: 'TensorFlow.js backend: wasm (default), cpu, webgpu, tensorflow' },
    },
    examples: ['verl demo', 'verl demo --quick --out /tmp/demo'],
  },
  async run(args, io) {
    const v = args.values;
    const base: DemoSettings = bool(v, 'quick') ? { ...DEMO_DEFAULTS, ...QUICK } : DEMO_DEFAULTS;
    const settings: DemoSettings = {
      ...base,
      steps: num(v, 'steps', { integer: true, min: 1 }) ?? base.steps,
      promptsPerStep: num(v, 'prompts-per-step', { integer: true, min: 1 }) ?? base.promptsPerStep,
      n: num(v, 'n', { integer: true, min: 2 }) ?? base.n,
      evalProblems: num(v, 'eval-problems', { integer: true, min: 1 }) ?? base.evalProblems,
      lr: num(v, 'lr', { min: 0 }) ?? base.lr,
      seed: num(v, 'seed', { integer: true })!,
    };
    const { tinyArithDir } = await import('../demo/assets.js');
    const { runDemo, formatDemoTable } = await import('../demo/run-demo.js');
    const backend = parseBackend(str(v, 'backend'));
    const { prepareBackend } = await import('../runtime/prepare.js');
    io.stderr.write(`backend: ${await prepareBackend(backend)}\n`);
    const t0 = Date.now();
    // `pnpm --filter … demo` runs in the package folder; INIT_CWD is where the user typed it.
    const outDir = str(v, 'out') ?? resolve(process.env.INIT_CWD ?? process.cwd(), 'runs', 'demo');
    const result = await runDemo({ modelDir: str(v, 'model') ?? tinyArithDir(), outDir, settings, io, backend });
    if (!result.complete) {
      io.stderr.write('demo stopped; run the same command again to resume where it stopped.\n');
      return stopExitCode(io.signal);
    }
    io.stdout.write(`\nHeld-out accuracy on ${settings.evalProblems} synthetic arithmetic problems (${settings.evalN} samples each, T=0.6):\n\n`);
    io.stdout.write(formatDemoTable(result.rows, settings));
    io.stdout.write(`\nreport: ${result.reportPath}\ntotal time: ${formatDuration((Date.now() - t0) / 1000)}\n`);
    return 0;
  },
};

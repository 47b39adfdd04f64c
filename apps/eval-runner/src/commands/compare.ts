// verl compare: a study of several arms × seeds from one base config, paired by seed, with
// held-out evaluation, confidence intervals, the paired difference to the first arm, a markdown
// table and report.html (issue 17). Resumable: rerun the same command to continue.
import { bool, num, str, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { stopExitCode } from '../cli/interrupt.js';
import { formatDuration } from '../cli/progress.js';
import { applyOverrides, readConfigFile, toYaml } from './shared/config-file.js';
import { parseBackend } from './shared/engine.js';

type Obj = Record<string, unknown>;

export const command: Command = {
  spec: {
    name: 'compare',
    summary: 'a study: arms (GRPO, GRPO+VERL default/reference mode, +overlong penalty) × seeds, paired; intervals, table, report',
    usage: 'verl compare [--config study.yaml] [--seeds N] [--steps N] [--arms a,b,…] [--out DIR] [--set base.key=value …]',
    options: {
      config: { type: 'string', value: 'FILE', description: 'study YAML/JSON: name, outputDir, seeds, base (an RL config), arms, eval (see the README); default: the demo\'s config on the bundled policy, four arms, 5 seeds' },
      seeds: { type: 'string', value: 'N', description: 'run seeds 0..N-1 (overrides the file)' },
      steps: { type: 'string', value: 'N', description: 'RL steps per run (sets base trainer.steps)' },
      arms: { type: 'string', value: 'LIST', description: 'comma-separated default arms to run: grpo, grpo-verl, grpo-verl-ref, grpo-verl-overlong (the first is the baseline of the differences)' },
      name: { type: 'string', value: 'NAME', description: 'study name, the folder under --out (default: study)' },
      out: { type: 'string', value: 'DIR', description: 'parent folder of the study (default: runs)' },
      'eval-problems': { type: 'string', value: 'N', description: 'held-out problems (default: 200)' },
      'eval-n': { type: 'string', value: 'N', description: 'samples per held-out problem; pass@k for k = 1, 2, 4, … ≤ n (default: 8)' },
      set: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'override a field of the base RL config, e.g. --set actor.lr=1e-4 (repeatable)' },
      'print-config': { type: 'boolean', description: 'print the resolved study (arms, seeds, base config) and exit' },
      backend: { type: 'string', value: 'NAME', description: 'TensorFlow.js backend: wasm (default), cpu, webgpu, tensorflow' },
    },
    examples: [
      'verl compare --seeds 5                                   # 4 arms × 5 seeds on the bundled policy',
      'verl compare --arms grpo,grpo-verl --seeds 3 --steps 10 --name quick',
      'verl compare --config apps/eval-runner/studies/arithmetic.yaml   # rerun to resume',
    ],
  },
  async run(args, io) {
    const v = args.values;
    const file = str(v, 'config');
    const read = ((file ? readConfigFile(file) : {}) ?? {}) as Obj;
    if (typeof read !== 'object' || Array.isArray(read)) throw new UsageError(`${file}: a study file holds an object`);
    const { inlineBaseFile } = await import('../study/study-config.js');
    const raw = inlineBaseFile(read, file);
    const seeds = num(v, 'seeds', { integer: true, min: 1 });
    if (seeds !== undefined) raw.seeds = seeds;
    const name = str(v, 'name');
    if (name !== undefined) raw.name = name;
    const out = str(v, 'out');
    if (out !== undefined) raw.outputDir = out;
    const armList = str(v, 'arms');
    if (armList !== undefined) raw.arms = armList.split(',').map((s) => s.trim()).filter(Boolean);
    const sets = [...((v.set as string[] | undefined) ?? [])];
    const steps = num(v, 'steps', { integer: true, min: 1 });
    if (steps !== undefined) sets.push(`trainer.steps=${steps}`);
    if (sets.length) raw.base = applyOverrides(structuredClone(raw.base ?? {}), sets);
    const evalProblems = num(v, 'eval-problems', { integer: true, min: 1 });
    const evalN = num(v, 'eval-n', { integer: true, min: 1 });
    if (evalProblems !== undefined || evalN !== undefined) {
      raw.eval = { ...((raw.eval as Obj | undefined) ?? {}), ...(evalProblems !== undefined ? { problems: evalProblems } : {}), ...(evalN !== undefined ? { n: evalN } : {}) };
    }

    const { tinyArithDir } = await import('../demo/assets.js');
    const { DEMO_DEFAULTS, demoRLConfig } = await import('../demo/config.js');
    const { parseStudyConfig, StudyConfigError } = await import('../study/study-config.js');
    let study;
    try {
      study = parseStudyConfig(raw, demoRLConfig('grpo', tinyArithDir(), 'runs', DEMO_DEFAULTS));
    } catch (e) {
      if (e instanceof StudyConfigError) throw new UsageError(e.message);
      throw e;
    }
    if (bool(v, 'print-config')) {
      io.stdout.write(toYaml(study));
      return 0;
    }
    const backend = parseBackend(str(v, 'backend'));
    const { prepareBackend } = await import('../runtime/prepare.js');
    io.stderr.write(`backend: ${await prepareBackend(backend)}\n`);
    const { runStudy } = await import('../study/run-study.js');
    const { writeStudyOutputs } = await import('../study/outputs.js');
    const { formatStudyTable } = await import('../study/table.js');
    const t0 = Date.now();
    const result = await runStudy({ study, io, backend });
    if (!result.summary) {
      io.stderr.write('study stopped; run the same command again to resume where it stopped.\n');
      return stopExitCode(io.signal);
    }
    const files = writeStudyOutputs(study, result.summary);
    io.stdout.write(`\nStudy ${study.name}: held-out ${study.eval.benchmark}, ${study.eval.problems} problems × ${study.eval.n} samples; 95% intervals:\n\n`);
    io.stdout.write(formatStudyTable(result.summary));
    io.stdout.write(`\ntable: ${files.markdown}\nsummary: ${files.json}\nreport: ${files.report}\ntotal time: ${formatDuration((Date.now() - t0) / 1000)}\n`);
    return 0;
  },
};

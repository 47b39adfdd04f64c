// verl train --config FILE: RL training (GRPO / PPO-clip with optional VERL shaping).
import { join, resolve } from 'node:path';
import { bool, str, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { checkGenerationFits, withBundledDefaults } from './shared/bundled-model.js';
import { applyOverrides, readConfigFile } from './shared/config-file.js';
import { commentedConfigYaml } from './shared/print-config.js';
import { llamaCppTrainingEngine, syncSummary } from './shared/llamacpp-training-engine.js';
import { trainingHooks } from './shared/train-progress.js';
import { stopExitCode, stoppedRunMessage } from './shared/train-stop.js';

/** The smallest valid input; everything else comes from the trainer's defaults (the paper's settings). */
export const MINIMAL_RL_CONFIG = { name: 'my-run', model: { path: 'path/to/model' } };

export const command: Command = {
  spec: {
    name: 'train',
    summary: 'RL training (GRPO / PPO-clip, optional VERL shaping) from a YAML or JSON config',
    usage: 'verl train --config FILE [--set key.path=value …] [--allow-config-change] [--print-config]',
    options: {
      config: { type: 'string', value: 'FILE', description: 'YAML or JSON config (see --print-config for every field)' },
      set: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'override a field, e.g. --set trainer.steps=10 (repeatable)' },
      'allow-config-change': { type: 'boolean', description: "resume even though training fields differ from the run's config.json; the change is recorded in the run's config-history.jsonl" },
      'print-config': { type: 'boolean', description: 'print the validated config with all defaults filled in (of --config, or the defaults) and exit' },
    },
    examples: [
      'verl train --print-config > my-run.yaml',
      'verl train --config my-run.yaml --set algorithm.verl.enabled=true',
      'verl train --config my-run.yaml --set actor.lr=1e-6 --allow-config-change   # resume with a new lr, recorded',
    ],
  },
  async run(args, io) {
    const v = args.values;
    const file = str(v, 'config');
    const sets = (v.set as string[] | undefined) ?? [];
    if (!file && !bool(v, 'print-config')) throw new UsageError('give --config FILE (or --print-config to see the defaults)');
    // the bundled tiny policy gets its own task and lengths where the input has none (issue 13 point 5)
    const raw = withBundledDefaults(applyOverrides(file ? readConfigFile(file) : structuredClone(MINIMAL_RL_CONFIG), sets));
    const trainer = await import('@verl-ts/trainer');
    const config = trainer.parseRLConfig(raw);
    await checkGenerationFits(config.model.path, config.rollout.maxPromptTokens, config.rollout.maxNewTokens);
    if (bool(v, 'print-config')) {
      const defaults = trainer.parseRLConfig(MINIMAL_RL_CONFIG);
      io.stdout.write(commentedConfigYaml(config, trainer.rlConfigSchema, defaults));
      return 0;
    }
    const runDir = resolve(join(config.outputDir, config.name));
    io.stderr.write(`training ${config.name}: ${config.trainer.steps} steps, ${config.trainer.promptsPerStep} prompts × ${config.rollout.n} responses per step, VERL ${config.algorithm.verl.enabled ? 'on' : 'off'} → ${runDir}\n`);
    const { bar, hooks, startStep } = trainingHooks(io, 'train', config.trainer.steps);
    // rollout.engine 'llamacpp' is built here, so the trainer never loads native binaries
    const syncs: { save: number; export: number; load: number; total: number }[] = [];
    const engine = config.rollout.engine === 'llamacpp' ? llamaCppTrainingEngine((ms) => syncs.push(ms)) : undefined;
    const result = await trainer.trainRL(config, { hooks, engine, allowConfigChange: bool(v, 'allow-config-change') });
    bar.finish();
    if (syncs.length > 0) io.stderr.write(syncSummary(syncs) + '\n');
    if (io.signal.aborted) {
      io.stderr.write(stoppedRunMessage(result, io.signal, startStep()));
      return stopExitCode(io.signal);
    }
    io.stdout.write(`done: ${result.steps} steps in ${result.runDir}\nreport: verl report ${result.runDir}\n`);
    return 0;
  },
};

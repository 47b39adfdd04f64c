// verl sft --config FILE: supervised fine-tuning on response tokens (the warm start), also used
// to make the bundled tiny model from a fresh random init (model.create in the config).
import { join, resolve } from 'node:path';
import { bool, str, UsageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { applyOverrides, readConfigFile } from './shared/config-file.js';
import { commentedConfigYaml } from './shared/print-config.js';
import { trainingHooks } from './shared/train-progress.js';
import { stopExitCode, stoppedRunMessage } from './shared/train-stop.js';

export const MINIMAL_SFT_CONFIG = { name: 'my-sft', model: { path: 'path/to/model' } };

export const command: Command = {
  spec: {
    name: 'sft',
    summary: 'supervised fine-tuning (warm start); can create a fresh model (model.create)',
    usage: 'verl sft --config FILE [--set key.path=value …] [--allow-config-change] [--print-config]',
    options: {
      config: { type: 'string', value: 'FILE', description: 'YAML or JSON SFT config' },
      set: { type: 'string', value: 'KEY=VALUE', multiple: true, description: 'override a field, e.g. --set steps=200 (repeatable)' },
      'allow-config-change': { type: 'boolean', description: "resume even though training fields differ from the run's config.json; the change is recorded in the run's config-history.jsonl" },
      'print-config': { type: 'boolean', description: 'print the validated config with defaults and exit' },
    },
    examples: ['verl sft --config apps/eval-runner/assets/tiny-arith/sft.yaml'],
  },
  async run(args, io) {
    const v = args.values;
    const file = str(v, 'config');
    const sets = (v.set as string[] | undefined) ?? [];
    if (!file && !bool(v, 'print-config')) throw new UsageError('give --config FILE (or --print-config to see the defaults)');
    const raw = applyOverrides(file ? readConfigFile(file) : structuredClone(MINIMAL_SFT_CONFIG), sets);
    const trainer = await import('@verl-ts/trainer');
    const config = trainer.parseSFTConfig(raw);
    if (bool(v, 'print-config')) {
      const defaults = trainer.parseSFTConfig(MINIMAL_SFT_CONFIG);
      io.stdout.write(commentedConfigYaml(config, trainer.sftConfigSchema, defaults));
      return 0;
    }
    const runDir = resolve(join(config.outputDir, config.name));
    io.stderr.write(`SFT ${config.name}: ${config.steps} steps of ${config.batchSize} examples → ${runDir}\n`);
    const { bar, hooks, startStep } = trainingHooks(io, 'sft', config.steps);
    const result = await trainer.trainSFT(config, { hooks, allowConfigChange: bool(v, 'allow-config-change') });
    bar.finish();
    if (io.signal.aborted) {
      io.stderr.write(stoppedRunMessage({ ...result, checkpointDir: result.modelDir || null }, io.signal, startStep()));
      return stopExitCode(io.signal);
    }
    io.stdout.write(`done: ${result.runDir}\nmodel: ${result.modelDir}\n`);
    return 0;
  },
};

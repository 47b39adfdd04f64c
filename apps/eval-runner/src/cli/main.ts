// `verl` dispatcher: finds the command, prints help, turns UsageError into exit code 2.
import { formatHelp, parseCommandArgs, UsageError } from './args.js';
import type { Command, CommandIO } from './command.js';
import { describeError } from './error-message.js';
import { installInterruptHandler } from './interrupt.js';

export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  train: { summary: 'RL training (GRPO / PPO-clip, optional VERL shaping) from a YAML or JSON config', load: async () => (await import('../commands/train.js')).command },
  sft: { summary: 'supervised fine-tuning (warm start), e.g. to make the bundled tiny model', load: async () => (await import('../commands/sft.js')).command },
  eval: { summary: 'score a model on benchmarks: pass@1, avg@n, pass@k, maj@k', load: async () => (await import('../commands/eval.js')).command },
  report: { summary: 'one self-contained HTML page with plots comparing runs', load: async () => (await import('../commands/report.js')).command },
  serve: { summary: 'OpenAI-compatible /v1/completions server for a local model', load: async () => (await import('../commands/serve.js')).command },
  export: { summary: 'write a model folder as GGUF for llama.cpp', load: async () => (await import('../commands/export.js')).command },
  compare: { summary: 'a study of arms × seeds (GRPO, GRPO+VERL, …), paired, with confidence intervals, table and report', load: async () => (await import('../commands/compare.js')).command },
  demo: { summary: 'the embedded demo: GRPO vs GRPO+VERL on the bundled tiny model (minutes on 2 cores, ~0.5 GB)', load: async () => (await import('../commands/demo.js')).command },
};

export function topLevelHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  const lines = ['verl: reinforcement learning from verifiable rewards with VERL (arXiv 2509.23808)', '', 'Usage: verl <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(width)}${c.summary}`);
  lines.push('', "Run 'verl <command> --help' for a command's options.");
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io?: Partial<CommandIO>): Promise<number> {
  const stdout = io?.stdout ?? process.stdout;
  const stderr = io?.stderr ?? process.stderr;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    stdout.write(topLevelHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    stdout.write('verl 0.1.0\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    stderr.write(`verl: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see 'verl --help')\n`);
    return 2;
  }
  const command = await entry.load();
  const interrupt = io?.signal ? undefined : installInterruptHandler();
  try {
    const args = parseCommandArgs(command.spec, rest);
    if (args.help) {
      stdout.write(formatHelp(command.spec));
      return 0;
    }
    return await command.run(args, { stdout, stderr, signal: io?.signal ?? interrupt!.signal });
  } catch (e) {
    // one line, one `verl <command>:` prefix, no raw system error codes
    if (e instanceof UsageError) {
      stderr.write(`verl ${name}: ${describeError(e, name)} (see 'verl ${name} --help')\n`);
      return 2;
    }
    stderr.write(`verl ${name}: ${describeError(e, name)}\n`);
    if (process.env.VERL_DEBUG && e instanceof Error && e.stack) stderr.write(e.stack + '\n');
    return 1;
  } finally {
    interrupt?.dispose();
  }
}

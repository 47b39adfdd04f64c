// What every `verl <command>` module exports. Command modules import only light modules at the
// top; TensorFlow.js-using packages are imported inside run(), so `verl --help` starts fast.
import type { CommandSpec, ParsedArgs } from './args.js';

export interface CommandIO {
  stdout: { write(s: string): boolean; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): boolean; isTTY?: boolean; columns?: number };
  /** Aborted on Ctrl-C; long work stops at the next safe point and leaves a resumable state. */
  signal: AbortSignal;
}

export interface Command {
  spec: CommandSpec;
  /** Returns the process exit code. */
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}

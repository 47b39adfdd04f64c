// Stop signals: the first SIGINT (Ctrl-C) or SIGTERM (docker stop, Slurm, Kubernetes) aborts the
// AbortSignal handed to the trainer / evaluator, so they finish the current step (or stop at the
// next safe point) and leave a resumable state (checkpoint, JSONL); a second one exits at once.
// The abort reason is a StopRequest naming the signal, so a command can exit with the status a
// shell reports for that signal: 130 for SIGINT, 143 for SIGTERM (128 + signal number).

export type StopSignalName = 'SIGINT' | 'SIGTERM';

export const STOP_EXIT_CODES: Record<StopSignalName, number> = { SIGINT: 130, SIGTERM: 143 };

export class StopRequest extends Error {
  constructor(readonly signalName: StopSignalName) {
    super(`interrupted by ${signalName}`);
    this.name = 'StopRequest';
  }
}

/** The signal that aborted `signal` (SIGINT when it was aborted some other way, e.g. by a test). */
export function stopSignalOf(signal: AbortSignal): StopSignalName {
  return signal.reason instanceof StopRequest ? signal.reason.signalName : 'SIGINT';
}

/** Exit status for a command stopped through `signal`: 143 after SIGTERM, 130 otherwise. */
export function stopExitCode(signal: AbortSignal): number {
  return STOP_EXIT_CODES[stopSignalOf(signal)];
}

export interface InterruptScope {
  signal: AbortSignal;
  dispose(): void;
}

export function installInterruptHandler(opts: { log?: (msg: string) => void; exit?: (code: number) => never } = {}): InterruptScope {
  const controller = new AbortController();
  const log = opts.log ?? ((m: string) => process.stderr.write(`\n${m}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const handler = (): void => {
      if (!controller.signal.aborted) {
        log(`${name === 'SIGINT' ? 'Interrupted' : 'Terminated'} (${name}): finishing the current step and saving a resumable state `
          + `(${name === 'SIGINT' ? 'press Ctrl-C again' : 'send it again'} to quit at once).`);
        controller.abort(new StopRequest(name));
      } else {
        log('Quitting now.');
        exit(STOP_EXIT_CODES[name]);
      }
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}

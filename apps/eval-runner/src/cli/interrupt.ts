// Ctrl-C handling: the first SIGINT aborts the AbortSignal handed to the trainer / evaluator so
// they can finish the current step and leave a resumable state (checkpoint, JSONL); a second
// SIGINT exits at once with status 130.

export interface InterruptScope {
  signal: AbortSignal;
  dispose(): void;
}

export function installInterruptHandler(opts: { log?: (msg: string) => void; exit?: (code: number) => never } = {}): InterruptScope {
  const controller = new AbortController();
  const log = opts.log ?? ((m: string) => process.stderr.write(`\n${m}\n`));
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const onSigint = (): void => {
    if (!controller.signal.aborted) {
      log('Interrupted: finishing the current step and saving a resumable state (press Ctrl-C again to quit at once).');
      controller.abort(new Error('interrupted by SIGINT'));
    } else {
      log('Quitting now.');
      exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
    },
  };
}

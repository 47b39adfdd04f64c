// Terminal progress display with ETA. On a TTY it redraws one line in place; elsewhere (CI,
// pipes, log files) it prints a plain line at most every `intervalMs`, so logs stay readable.

export interface ProgressStream {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream?: ProgressStream;
  /** Minimum time between plain (non-TTY) lines. */
  intervalMs?: number;
  /** Injected clock for tests. */
  now?: () => number;
}

/** 75 → "1m15s", 3725 → "1h02m", non-finite → "--". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Remaining time from elapsed time and the fraction done (linear extrapolation). */
export function estimateEta(elapsedSec: number, done: number, total: number): number {
  if (done <= 0 || total <= 0) return Number.NaN;
  if (done >= total) return 0;
  return (elapsedSec * (total - done)) / done;
}

export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly tty: boolean;
  private readonly now: () => number;
  private start: number;
  /** progress that was already there when the clock started (a resumed run's earlier steps) */
  private baseDone = 0;
  private readonly intervalMs: number;
  private lastPlain = -Infinity;
  private done = 0;
  private note = '';
  private finished = false;
  total: number;
  label: string;

  constructor(opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.now = opts.now ?? Date.now;
    this.start = this.now();
    this.intervalMs = opts.intervalMs ?? 10_000;
    this.total = opts.total;
    this.label = opts.label;
  }

  /** Sets the absolute progress; `note` is free text shown after the ETA (e.g. reward=0.42). */
  update(done: number, note?: string): void {
    this.done = Math.min(done, this.total);
    if (note !== undefined) this.note = note;
    this.render(false);
  }

  /** Continue from `done` (e.g. a resumed run's checkpoint): the clock restarts and the ETA
   *  extrapolates from the progress made since, not from the earlier session's. */
  startFrom(done: number): void {
    this.done = Math.min(done, this.total);
    this.baseDone = this.done;
    this.start = this.now();
  }

  tick(n = 1, note?: string): void {
    this.update(this.done + n, note);
  }

  finish(note?: string): void {
    if (this.finished) return;
    if (note !== undefined) this.note = note;
    this.render(true);
    if (this.tty) this.stream.write('\n');
    this.finished = true;
  }

  line(): string {
    const elapsed = (this.now() - this.start) / 1000;
    const eta = estimateEta(elapsed, this.done - this.baseDone, this.total - this.baseDone);
    const pct = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 0;
    const counts = `${this.done}/${this.total}`;
    const times = `${formatDuration(elapsed)} elapsed, ETA ${formatDuration(eta)}`;
    const note = this.note ? `  ${this.note}` : '';
    if (!this.tty) return `${this.label}: ${pct}% (${counts}) ${times}${note}`;
    const width = 24;
    const filled = this.total > 0 ? Math.round((width * this.done) / this.total) : 0;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const text = `${this.label} ${bar} ${String(pct).padStart(3)}% ${counts} ${times}${note}`;
    const cols = this.stream.columns ?? 120;
    return text.length > cols - 1 ? text.slice(0, cols - 1) : text;
  }

  private render(force: boolean): void {
    if (this.finished) return;
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${this.line()}`);
      return;
    }
    const t = this.now();
    if (force || t - this.lastPlain >= this.intervalMs) {
      this.lastPlain = t;
      this.stream.write(this.line() + '\n');
    }
  }
}

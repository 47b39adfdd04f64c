import { describe, expect, it } from 'vitest';
import { ProgressBar, estimateEta, formatDuration } from './progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => (out.push(s), true) } };
}

describe('progress', () => {
  it('formats durations', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('--');
  });
  it('extrapolates the ETA linearly', () => {
    expect(estimateEta(30, 3, 10)).toBeCloseTo(70, 12);
    expect(estimateEta(30, 10, 10)).toBe(0);
    expect(Number.isNaN(estimateEta(30, 0, 10))).toBe(true);
  });
  it('prints throttled plain lines when not a TTY', () => {
    let t = 0;
    const { out, stream } = sink(false);
    const bar = new ProgressBar({ label: 'eval', total: 4, stream, intervalMs: 1000, now: () => t });
    t = 100; bar.update(1);   // first line always printed
    t = 500; bar.update(2);   // throttled
    t = 2000; bar.update(3, 'acc=0.50');
    bar.finish();
    expect(out).toEqual([
      'eval: 25% (1/4) 0s elapsed, ETA 0s\n',
      'eval: 75% (3/4) 2s elapsed, ETA 1s  acc=0.50\n',
      'eval: 75% (3/4) 2s elapsed, ETA 1s  acc=0.50\n',
    ]);
  });
  it('redraws in place on a TTY', () => {
    let t = 0;
    const { out, stream } = sink(true);
    const bar = new ProgressBar({ label: 'train', total: 10, stream, now: () => t });
    t = 10_000; bar.update(5);
    expect(out[0].startsWith('\r\x1b[2Ktrain ')).toBe(true);
    expect(out[0]).toContain(' 50% 5/10 10s elapsed, ETA 10s');
    bar.finish();
    expect(out.at(-1)).toBe('\n');
  });
});

import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { checkPage, findChromium, screenshot } from './chromium.js';
import { correlations } from './html.js';
import { flattenRecord, loadRun } from './load-run.js';
import type { EvalSummary } from '../eval/summary-types.js';

// Two synthetic run folders in the layout the trainer and `eval` write.
function makeRun(dir: string, name: string, slope: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name }));
  const steps = [];
  for (let s = 1; s <= 12; s++) {
    steps.push(JSON.stringify({ step: s, reward: { mean: 0.2 + slope * s }, accuracy: { mean: 0.3 + slope * s }, rank: { er: { mean: 10 + s }, erv: { mean: 0.5 - 0.01 * s }, era: { mean: 0.01 * (s % 3) } }, entropy: { mean: 1.5 - 0.05 * s } }));
  }
  writeFileSync(join(dir, 'metrics.jsonl'), steps.join('\n') + '\n');
  const samples = [];
  for (let i = 0; i < 40; i++) {
    const entropy = 0.5 + (i % 10) * 0.1;
    // exact linear trade-off at token level (r = -1); ER/ERV pattern with r = 1/sqrt(5) (see stats.test)
    samples.push(JSON.stringify({ step: 1 + (i % 12), er: 1 + (i % 4), erv: i % 2, entropy, confidence: 1 - 0.2 * entropy }));
  }
  writeFileSync(join(dir, 'samples.jsonl'), samples.join('\n') + '\n');
  const summary: EvalSummary = {
    model: name,
    createdAt: '2026-01-01T00:00:00Z',
    settings: { n: 8, k: [1, 2, 4, 8], temperature: 0.6, topP: 0.95, maxTokens: 64, template: 'arithmetic', seed: 0 },
    benchmarks: [{ benchmark: 'arithmetic', problems: 20, samples: 8, pass1: 0.4, avgN: 0.35 + slope, passAtK: { 1: 0.35 + slope, 2: 0.5, 4: 0.65, 8: 0.8 }, majAtK: { 8: 0.45 }, extractedRate: 0.9, truncatedRate: 0.05, meanResponseTokens: 20 }],
  };
  mkdirSync(join(dir, 'eval'), { recursive: true });
  writeFileSync(join(dir, 'eval', 'summary.json'), JSON.stringify(summary));
}

const PLOTS = ['plot-reward', 'plot-accuracy', 'plot-er', 'plot-erv', 'plot-era', 'plot-token-tradeoff', 'plot-hidden-tradeoff', 'plot-passk'];

describe('report', () => {
  let root: string;
  let out: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'verl-report-'));
    makeRun(join(root, 'grpo'), 'grpo', 0.01);
    makeRun(join(root, 'verl'), 'grpo+verl', 0.02);
    out = join(root, 'compare.html');
    const lines: string[] = [];
    const code = await main(['report', join(root, 'grpo'), join(root, 'verl'), '--out', out], {
      stdout: { write: (s: string) => (lines.push(s), true) },
      stderr: { write: (s: string) => (lines.push(s), true) },
      signal: new AbortController().signal,
    });
    expect(code, lines.join('')).toBe(0);
  });

  it('flattens metric records whatever their nesting', () => {
    expect(flattenRecord({ reward: { mean: 1 }, 'rank/er_mean': 2, logprobs: [-1, -3], ok: true, name: 'x' })).toEqual({ rewardmean: 1, rankermean: 2, logprobs: -2, logprobscount: 2, ok: 1 });
  });

  it('computes the paper comparison correlations per run', () => {
    const c = correlations([loadRun(join(root, 'grpo'))]);
    expect(c[0].token).toBeCloseTo(-1, 9);
    expect(c[0].hidden).toBeCloseTo(1 / Math.sqrt(5), 9);
    expect(c[0].level).toBe('per response');
  });

  it('writes one self-contained page with every plot', () => {
    const html = readFileSync(out, 'utf8');
    for (const id of PLOTS) expect(html).toContain(`data-plot="${id}"`);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('grpo+verl');
  });

  it('rejects a folder without run data', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'verl-empty-'));
    expect(() => loadRun(empty)).toThrow(/no metrics.jsonl/);
    writeFileSync(join(empty, 'metrics.jsonl'), '{"step":1}\n{oops\n{"step":3}\n');
    expect(() => loadRun(empty)).toThrow(/metrics.jsonl:2: malformed JSON/);
  });

  const chromium = findChromium();
  it.skipIf(!chromium)('renders in headless Chromium without errors, every plot present', async () => {
    const { dom, consoleErrors } = await checkPage(out);
    expect(consoleErrors).toEqual([]);
    const errors = /<div id="report-errors">([\s\S]*?)<\/div>/.exec(dom)?.[1];
    expect(errors).toBe('');
    const status = JSON.parse(/<pre id="report-status" hidden="">([\s\S]*?)<\/pre>/.exec(dom)![1]) as { plots: number; rendered: number; ids: string[] };
    expect(status.ids.sort()).toEqual([...PLOTS].sort());
    expect(status.rendered).toBe(PLOTS.length);
    const png = join(root, 'report.png');
    await screenshot(out, png, { width: 1200, height: 900 });
    expect(statSync(png).size).toBeGreaterThan(10_000);
  });

  it.skipIf(!chromium)('the browser check does catch a page error', async () => {
    const bad = join(root, 'bad.html');
    writeFileSync(bad, readFileSync(out, 'utf8').replace('</body>', '<script>undefinedFunction()</script></body>'));
    const { dom, consoleErrors } = await checkPage(bad);
    expect(consoleErrors.join('\n')).toMatch(/undefinedFunction/);
    expect(dom).toMatch(/<div id="report-errors">error: [^<]*undefinedFunction/);
  });

  if (!chromium) it('chromium missing: browser checks skipped (install the Debian package `chromium`)', () => expect(existsSync(out)).toBe(true));
});

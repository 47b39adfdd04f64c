import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPage, findChromium, screenshot } from './chromium.js';
import { buildStudyReport, meanOverSeeds, settingsTable, STUDY_CURVES, type StudyArmRuns } from './study-report.js';
import type { RunData } from './load-run.js';
import { flattenRecord } from './load-run.js';
import { summarizeStudy, type RunResult } from '../study/summary.js';
import { STUDY_EVAL_DEFAULTS, type StudyArm } from '../study/study-config.js';

// A run's per-step records as the trainer writes them (StepMetrics fields).
function run(name: string, seed: number, verl: boolean, offset: number): RunData {
  const steps = Array.from({ length: 12 }, (_, i) => flattenRecord({
    step: i + 1, rewardMean: 0.3 + 0.04 * i + offset, accuracy: 0.3 + 0.04 * i + offset, responseLengthMean: 10 + i, truncationRate: 0.01 * i,
    kl: 0.001 * i, entropy: 1 - 0.05 * i, gradNorm: 1 + 0.1 * seed, erMean: 5 + i,
    shaper: verl ? { bonus_mean: 0.1 + 0.01 * i, clip_rate: 0.2, tau_mean: 0.5 } : {},
    ...(verl ? { overlongPenalisedRate: 0.1 } : {}),
  }));
  return { name, dir: `/runs/${name}`, steps, samples: [], probes: [], evals: [] };
}

function result(seed: number, accuracy: number[]): RunResult {
  // 4 problems × 4 samples; problem p has round(4·accuracy[p]) correct samples
  const correct = new Map(accuracy.map((a, p) => [`p${p}`, [0, 1, 2, 3].map((j) => j < Math.round(4 * a))]));
  return { seed, correct, trainSeconds: 60, truncatedRate: 0.05, meanResponseTokens: 12, runDir: `/runs/s${seed}` };
}

const ARMS: StudyArm[] = [
  { name: 'grpo', label: 'GRPO', set: {} },
  { name: 'grpo-verl', label: 'GRPO+VERL', set: { 'algorithm.verl.enabled': true } },
];

describe('study report', () => {
  it('averages a curve over seeds at each step, with the band from the lowest to the highest seed', () => {
    const { mean, band } = meanOverSeeds([run('a', 0, false, 0), run('b', 1, false, 0.1)], ['rewardMean']);
    expect(mean[0][0]).toBe(1);
    expect(mean[0][1]).toBeCloseTo(0.35, 12); // (0.3 + 0.4) / 2
    expect(band[0]).toEqual([1, 0.3, expect.closeTo(0.4, 12)]);
    expect(meanOverSeeds([run('a', 0, false, 0)], ['rewardMean']).band).toEqual([]); // one seed: no band
  });

  it('shows the main settings and every field that differs between runs', () => {
    const html = settingsTable([
      { run: 'grpo-seed0', arm: 'grpo', seed: 0, config: { name: 'grpo-seed0', seed: 0, trainer: { steps: 30 }, algorithm: { verl: { enabled: false, shaper: {} } }, actor: { lr: 3e-4 } } },
      { run: 'grpo-verl-seed0', arm: 'grpo-verl', seed: 0, config: { name: 'grpo-verl-seed0', seed: 0, trainer: { steps: 30 }, algorithm: { verl: { enabled: true, shaper: { mode: 'reference' } } }, actor: { lr: 3e-4 } } },
    ]);
    expect(html).toContain('<th>trainer.steps</th><th>actor.lr</th><th>algorithm.verl.enabled</th><th>algorithm.verl.shaper.mode</th>');
    expect(html).toContain('<td>grpo-verl-seed0</td><td>0</td><td>30</td><td>0.0003</td><td>true</td><td>reference</td>');
    expect(html).not.toContain('<th>name</th>');
  });

  describe('page', () => {
    let out: string;
    let html: string;
    beforeAll(() => {
      const summary = summarizeStudy({
        name: 'synthetic', eval: { ...STUDY_EVAL_DEFAULTS, problems: 4, n: 4 }, ks: [1, 2, 4], seeds: [0, 1],
        arms: [
          { arm: ARMS[0], results: [result(0, [1, 0.5, 0.25, 0]), result(1, [1, 0.75, 0.25, 0])] },
          { arm: ARMS[1], results: [result(0, [1, 0.5, 0.5, 0]), result(1, [1, 0.75, 0.25, 0.25])] },
        ],
      });
      // both arms with the same curves: the old report drew one exactly over the other
      const arms: StudyArmRuns[] = [
        { name: 'grpo', label: 'GRPO', runs: [run('grpo-seed0', 0, false, 0), run('grpo-seed1', 1, false, 0.02)] },
        { name: 'grpo-verl', label: 'GRPO+VERL', runs: [run('grpo-verl-seed0', 0, true, 0), run('grpo-verl-seed1', 1, true, 0.02)] },
      ];
      html = buildStudyReport(summary, arms, [{ run: 'grpo-seed0', arm: 'grpo', seed: 0, config: { trainer: { steps: 12 } } }]);
      out = join(mkdtempSync(join(tmpdir(), 'verl-study-report-')), 'report.html');
      writeFileSync(out, html);
    });

    it('states each comparison in a sentence, in points with its interval', () => {
      // per-seed avg@4: GRPO 0.4375, 0.5; GRPO+VERL 0.5, 0.5625 → Δ = 0.0625, 0.0625 (no spread)
      expect(html).toContain('<li>GRPO+VERL − GRPO (held-out avg@4): +6.3 points [+6.3, +6.3] over 2 seeds; the interval excludes 0: GRPO+VERL is higher</li>');
      expect(html).toMatch(/<td>GRPO<\/td>|GRPO<\/td><td>2<\/td><td>46\.9%<\/td>/);
    });

    it('draws every arm in its own colour AND stroke pattern, with a band, in every curve', () => {
      for (const id of ['plot-study-reward', 'plot-study-length', 'plot-study-kl', 'plot-study-gradnorm']) {
        const svg = new RegExp(`<svg[^>]*id="${id}"[\\s\\S]*?</svg>`).exec(html)![0];
        const stroke = (name: string) => new RegExp(`<path d="[^"]+" fill="none" stroke="(#[0-9a-f]{6})" stroke-width="2"( stroke-dasharray="([^"]+)")? class="series" data-series="${name.replace('+', '\\+')}"`).exec(svg);
        const a = stroke('GRPO')!;
        const b = stroke('GRPO+VERL')!;
        expect(a[1]).not.toBe(b[1]);
        expect(a[3] ?? '').not.toBe(b[3] ?? '');
        expect(svg.match(/class="band"/g)).toHaveLength(2);
        expect(svg).toContain('data-legend="GRPO+VERL"');
      }
      // VERL's own curves exist for the VERL arm only
      const bonus = /<svg[^>]*id="plot-study-bonus"[\s\S]*?<\/svg>/.exec(html)![0];
      expect(bonus).toContain('data-series="GRPO+VERL"');
      expect(bonus).not.toContain('class="series" data-series="GRPO"');
    });

    it('writes fractions as percentages on the axes', () => {
      const trunc = /<svg[^>]*id="plot-study-truncation"[\s\S]*?<\/svg>/.exec(html)![0];
      expect(trunc).toMatch(/class="tick">10%</);
      expect(/<svg[^>]*id="plot-study-heldout"[\s\S]*?<\/svg>/.exec(html)![0]).toMatch(/class="tick">\d+%</);
    });

    const chromium = findChromium();
    it.skipIf(!chromium)('renders in headless Chromium: every plot drawn, no legend over data, no errors', async () => {
      const { dom, consoleErrors } = await checkPage(out);
      expect(consoleErrors).toEqual([]);
      expect(/<div id="report-errors">([\s\S]*?)<\/div>/.exec(dom)?.[1]).toBe('');
      const status = JSON.parse(/<pre id="report-status" hidden="">([\s\S]*?)<\/pre>/.exec(dom)![1]) as { plots: number; rendered: number; ids: string[] };
      const expected = ['plot-study-heldout', 'plot-study-difference', 'plot-study-passk', ...STUDY_CURVES.map((c) => c.id)];
      expect(status.ids.sort()).toEqual(expected.sort());
      expect(status.rendered).toBe(expected.length);
      const png = join(out, '..', 'study.png');
      await screenshot(out, png, { width: 1200, height: 1400 });
      expect(statSync(png).size).toBeGreaterThan(10_000);
    });

    it.skipIf(!chromium)('the browser check does catch a legend over the data', async () => {
      const bad = join(out, '..', 'bad.html');
      // move the reward plot's legend up into the plot area
      writeFileSync(bad, readFileSync(out, 'utf8').replace(/(id="plot-study-reward"[\s\S]*?)<g class="legend-box">/, '$1<g class="legend-box" transform="translate(0 -200)">'));
      const { dom } = await checkPage(bad);
      expect(dom).toMatch(/<div id="report-errors">[^<]*legend covers data: plot-study-reward/);
    });
  });
});

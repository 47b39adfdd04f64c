// Loads every benchmark from the repository's copies and checks it against the documented facts
// (fixtures/benchmarks/README.md: row counts, gold-answer rules, multiple-choice counts). Gaokao 2024
// comes from the files bundled in this package; the others from fixtures/benchmarks, which are the
// pinned files byte for byte except OlympiadBench (its first 80 rows; fixtures/manifest.json).
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fixtureManifest, fixturePath } from '../../../tools/test-support/fixtures.js';
import { BUNDLED_DATA_DIR, getBenchmark, listBenchmarks, loadBenchmark, lastBoxed, sha256File, resolveDatasetFile, type Problem } from './index.js';

// Row counts as documented for the published files (independent of the registry's own `rows`).
const DOCUMENTED_ROWS: Record<string, number> = {
  gaokao2024_I: 14,
  gaokao2024_II: 14,
  gaokao2024_mix: 91,
  math500: 500,
  gsm8k: 1319,
  aime24: 30,
  amc23: 40,
  minerva_math: 272,
  olympiadbench: 675,
  gaokao2023en: 385,
};
const BUNDLED = ['gaokao2024_I', 'gaokao2024_II', 'gaokao2024_mix'];

describe('built-in benchmarks against the pinned files', () => {
  const dataDir = fixturePath('benchmarks');
  const cache = new Map<string, Promise<Problem[]>>();
  const load = (name: string) => {
    if (!cache.has(name)) cache.set(name, loadBenchmark(name, { dataDir }));
    return cache.get(name)!;
  };
  const fileOf = (name: string) => (BUNDLED.includes(name) ? join(BUNDLED_DATA_DIR, name, 'test.jsonl') : fixturePath('benchmarks', name, 'test.jsonl'));
  const raw = async (name: string) => (await readFile(fileOf(name), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  /** Rows in the repository's copy: all of them, or the slice's. */
  const rowsHere = (name: string) => (BUNDLED.includes(name) ? DOCUMENTED_ROWS[name] : (fixtureManifest(`benchmarks/${name}/test.jsonl`).slice?.rows ?? DOCUMENTED_ROWS[name]));

  it('the copies are the pinned files: same sha256 as the registry (slices: their source file)', async () => {
    for (const name of Object.keys(DOCUMENTED_ROWS)) {
      const pinned = getBenchmark(name).source!.sha256;
      if (BUNDLED.includes(name)) expect(await sha256File(fileOf(name)), name).toBe(pinned);
      else {
        const m = fixtureManifest(`benchmarks/${name}/test.jsonl`);
        expect(m.source.sha256, name).toBe(pinned);
        expect(m.source.rows, name).toBe(DOCUMENTED_ROWS[name]);
        expect(m.source.bytes, name).toBe(getBenchmark(name).source!.bytes);
        if (!m.slice) expect(await sha256File(fileOf(name)), name).toBe(pinned);
      }
    }
  });

  it('Gaokao 2024 ships inside the package: it loads with no dataDir, no cache and downloads off', async () => {
    for (const name of BUNDLED) {
      const where = await resolveDatasetFile(getBenchmark(name), 'benchmark', { cacheDir: '/nonexistent-cache', offline: true });
      expect(where).toEqual({ path: fileOf(name), from: 'bundled' });
      expect(await loadBenchmark(name, { cacheDir: '/nonexistent-cache', offline: true })).toHaveLength(DOCUMENTED_ROWS[name]);
    }
  });

  it('registers exactly the ten benchmarks of the issue', () => {
    expect(listBenchmarks().slice(0, 10).sort()).toEqual(Object.keys(DOCUMENTED_ROWS).sort());
  });

  for (const [name, rows] of Object.entries(DOCUMENTED_ROWS)) {
    it(`${name}: ${rows} rows, non-empty golds, unique ids, questions present`, async () => {
      const ps = await load(name);
      expect(ps).toHaveLength(rowsHere(name));
      expect(getBenchmark(name).rows).toBe(rows);
      expect(ps.filter((p) => p.answer.trim() === '').map((p) => p.id)).toEqual([]);
      expect(ps.filter((p) => p.question.trim() === '').map((p) => p.id)).toEqual([]);
      expect(new Set(ps.map((p) => p.id)).size).toBe(rowsHere(name));
      expect(ps.every((p) => p.benchmark === name)).toBe(true);
    });
  }

  it('limit keeps the first rows', async () => {
    const ps = await loadBenchmark('math500', { dataDir, limit: 3 });
    expect(ps.map((p) => p.id)).toEqual((await load('math500')).slice(0, 3).map((p) => p.id));
    await expect(loadBenchmark('math500', { dataDir, limit: -1 })).rejects.toThrow(RangeError);
  });

  it('math500: gold is `answer`, which equals the last \\boxed{} of the solution for all 500 rows', async () => {
    const ps = await load('math500');
    const rows = await raw('math500');
    expect(ps.map((p) => p.answer)).toEqual(rows.map((r) => r.answer));
    expect(rows.filter((r) => lastBoxed(r.solution) !== r.answer).map((r) => r.unique_id)).toEqual([]);
    expect(ps[0]).toMatchObject({ id: 'test/precalculus/807.json', answer: '\\left( 3, \\frac{\\pi}{2} \\right)' });
  });

  it('gsm8k: gold is the text after ####, thousands separators removed', async () => {
    const ps = await load('gsm8k');
    expect(ps[0]).toMatchObject({ id: '0', answer: '18' });
    expect(ps.every((p) => /^-?\d+(\.\d+)?$/.test(p.answer))).toBe(true);
    const grouped = ps.filter((p) => (p.meta?.rawAnswer as string).includes(','));
    expect(grouped.length).toBeGreaterThan(0);
    for (const p of grouped) expect(p.answer).toBe((p.meta!.rawAnswer as string).replace(/,/g, ''));
    expect(ps[0].meta?.solution).toMatch(/^Janet sells 16 - 3 - 4/);
  });

  it('aime24 keeps the zero-padded answers; amc23 floats become short decimals', async () => {
    const aime = await load('aime24');
    expect(aime.some((p) => p.answer === '025')).toBe(true);
    expect(aime.every((p) => /^\d{3}$/.test(p.answer))).toBe(true);
    const amc = await load('amc23');
    expect(amc[0]).toMatchObject({ id: '0', answer: '27' });
    expect(amc.map((p) => Number(p.answer))).toEqual((await raw('amc23')).map((r) => r.answer));
  });

  it('minerva_math: gold is the last boxed answer of the solution', async () => {
    const ps = await load('minerva_math');
    expect(ps[0].answer).toBe('1.6');
    expect(ps.some((p) => p.answer === '4.5e33')).toBe(true);
  });

  it('olympiadbench (first 80 rows): final_answer[0] without $ delimiters, multi-answer lists kept whole', async () => {
    const ps = await load('olympiadbench');
    expect(ps.every((p) => !/(?<!\\)\$/.test(p.answer))).toBe(true);
    const multi = ps.find((p) => (p.meta?.finalAnswer as string[])[0] === '$69$,$84$');
    expect(multi?.answer).toBe('69,84');
  });

  it('gaokao2023en: $ removed; the two rows whose gold sits in the question are repaired', async () => {
    const ps = await load('gaokao2023en');
    expect(ps[0].answer).toBe('\\{x|-2\\leq x < 1\\}');
    expect(ps[167]).toMatchObject({ answer: '\\frac{3}{10}' });
    expect(ps[167].question).toMatch(/at least one saddle point\.$/);
    expect(ps[192]).toMatchObject({ answer: 'A' });
    expect(ps[192].question).not.toMatch(/Answer/);
    expect(ps.filter((p) => p.meta?.repaired).map((p) => p.id)).toEqual(['167', '192']);
    // Every letter gold is a multiple-choice item whose options were found.
    const letters = ps.filter((p) => /^[A-E]$/.test(p.answer));
    expect(letters).toHaveLength(38);
    expect(letters.filter((p) => !p.options?.[p.answer]).map((p) => p.id)).toEqual([]);
    expect(Object.keys(ps[373].options!)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('gaokao2024_I/_II: 8 single + 3 multi choice with parsed options, 3 fill-in', async () => {
    for (const name of ['gaokao2024_I', 'gaokao2024_II']) {
      const ps = await load(name);
      const types = ps.map((p) => p.meta?.type);
      expect(types.filter((t) => t === 'single')).toHaveLength(8);
      expect(types.filter((t) => t === 'multi')).toHaveLength(3);
      for (const p of ps) {
        if (p.meta?.type === 'blank') {
          expect(p.options).toBeUndefined();
          continue;
        }
        expect(Object.keys(p.options!)).toEqual(['A', 'B', 'C', 'D']);
        expect(p.answer).toMatch(p.meta?.type === 'single' ? /^[A-D]$/ : /^[A-D]{1,4}$/);
        for (const l of p.answer) expect(p.options![l]).toBeTruthy();
      }
    }
    const one = await load('gaokao2024_I');
    expect(one[0]).toMatchObject({ answer: 'A', options: { A: '${-1, 0}$', B: '${2, 3}$', C: '${-3, -1, 0}$', D: '${-1, 0, 2}$' } });
  });

  it('gaokao2024_mix: 55 letter golds from choice_answer, 36 free-form; options match the answer text', async () => {
    const ps = await load('gaokao2024_mix');
    const mc = ps.filter((p) => p.options);
    expect(mc).toHaveLength(55);
    expect(mc.every((p) => /^[A-D]$/.test(p.answer))).toBe(true);
    expect(ps.filter((p) => !p.options).every((p) => !/^[A-D]$/.test(p.answer))).toBe(true);
    expect(ps[0]).toMatchObject({ answer: 'C', options: { C: '{x \\mid-3<x<4}' }, meta: { answerText: '{x \\mid-3<x<4}' } });
    // The parsed option of the gold letter equals the row's own answer text, except three rows whose
    // answer text differs from the option as written (54: `\quad` dropped; 75: `10` for `10 i`, a data
    // quirk in the README; 82: quotes dropped).
    const squash = (s: string) => s.replace(/\s|\\quad|[“”]/g, '');
    const differs = mc.filter((p) => (p.meta!.answerText as string).replace(/\s/g, '') !== p.options![p.answer].replace(/\s/g, ''));
    expect(differs.map((p) => p.id)).toEqual(['54', '75', '82']);
    expect(differs.filter((p) => squash(p.meta!.answerText as string) !== squash(p.options![p.answer])).map((p) => p.id)).toEqual(['75']);
  });
});

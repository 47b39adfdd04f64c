// Loader behaviour on bad input: malformed lines, missing fields, missing folders, user datasets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetNotFoundError, JsonlError, loadBenchmark, loadTrainingSet, parseJsonl, registerBenchmark, listBenchmarks } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verl-datasets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeDataset(name: string, body: string, file = 'test.jsonl'): Promise<string> {
  await mkdir(join(dir, name), { recursive: true });
  const path = join(dir, name, file);
  await writeFile(path, body);
  return path;
}

describe('jsonl parsing', () => {
  it('skips blank lines and a BOM, keeps CRLF files working', () => {
    expect(parseJsonl('\ufeff{"a":1}\r\n\n{"a":2}\n', 'x.jsonl')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('names file and line of a malformed line', () => {
    const text = '{"question":"q","answer":"1"}\n\n{"question": "q2", "answer": \n';
    expect(() => parseJsonl(text, '/data/x.jsonl')).toThrow(JsonlError);
    expect(() => parseJsonl(text, '/data/x.jsonl')).toThrow(/^\/data\/x\.jsonl:3: malformed JSON/);
    try {
      parseJsonl(text, '/data/x.jsonl');
    } catch (e) {
      expect((e as JsonlError).line).toBe(3);
      expect((e as JsonlError).file).toBe('/data/x.jsonl');
    }
  });

  it('rejects a line that is not an object', () => {
    expect(() => parseJsonl('{"a":1}\n[1,2]\n', 'f.jsonl')).toThrow(/f\.jsonl:2: expected a JSON object, got an array/);
    expect(() => parseJsonl('null\n', 'f.jsonl')).toThrow(/f\.jsonl:1: expected a JSON object, got null/);
  });
});

describe('loading from a data dir', () => {
  it('a malformed line in a benchmark file is an error naming the file and line number', async () => {
    const good = JSON.stringify({ problem: 'p', solution: 'so \\boxed{1}', answer: '1', unique_id: 'a' });
    const path = await writeDataset('math500', `${good}\n${good}\n${good.slice(0, -5)}\n`);
    await expect(loadBenchmark('math500', { dataDir: dir })).rejects.toThrow(`${path}:3: malformed JSON`);
  });

  it('a row missing a mapped field names the file, line and field', async () => {
    const path = await writeDataset('gsm8k', `${JSON.stringify({ question: 'q', answer: 'x\n#### 5', idx: 0 })}\n${JSON.stringify({ question: 'q', idx: 1 })}\n`);
    await expect(loadBenchmark('gsm8k', { dataDir: dir })).rejects.toThrow(`${path}:2: field "answer" must be a string, got nothing (missing)`);
  });

  it('a gsm8k answer without #### and a minerva solution without a box are clear errors', async () => {
    await writeDataset('aime24', ''); // unrelated, empty file is fine
    expect(await loadBenchmark('aime24', { dataDir: dir })).toEqual([]);
    const p = await writeDataset('minerva_math', `${JSON.stringify({ problem: 'p', solution: 'no box here', idx: 0 })}\n`);
    await expect(loadBenchmark('minerva_math', { dataDir: dir })).rejects.toThrow(`${p}:1: field "solution" has no \\boxed{} answer`);
  });

  it('a missing dataset folder says where it looked and how to pass --data-dir', async () => {
    const err = await loadBenchmark('olympiadbench', { dataDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    const msg = (err as Error).message;
    expect(msg).toContain(join(dir, 'olympiadbench', 'test.jsonl'));
    expect(msg).toContain(join(dir, 'benchmarks', 'olympiadbench', 'test.jsonl'));
    expect(msg).toContain('--data-dir');
  });

  it('a training set without a public copy asks for --data-dir when none is given', async () => {
    const saved = process.env.VERL_DATA_DIR;
    delete process.env.VERL_DATA_DIR;
    try {
      await expect(loadTrainingSet('math_level3to5')).rejects.toThrow(/has no public download; pass --data-dir DIR/);
    } finally {
      if (saved !== undefined) process.env.VERL_DATA_DIR = saved;
    }
  });

  it('unknown names list the known ones', async () => {
    await expect(loadBenchmark('nope', { dataDir: dir })).rejects.toThrow(/unknown benchmark "nope"; known: gaokao2024_I, /);
  });
});

describe('user-registered benchmarks', () => {
  it('a field mapping with the last-boxed rule', async () => {
    registerBenchmark({
      name: 'my_bench',
      fields: { question: 'q', answer: 'sol', answerRule: 'last-boxed', id: 'key', meta: ['topic'] },
      goldRule: 'last box of sol',
    });
    expect(listBenchmarks()).toContain('my_bench');
    await writeDataset('my_bench', `${JSON.stringify({ key: 'k1', q: 'What?', sol: 'a \\boxed{2} then \\boxed{\\frac{1}{2}}', topic: 't' })}\n`);
    expect(await loadBenchmark('my_bench', { dataDir: dir })).toEqual([
      { id: 'k1', question: 'What?', answer: '\\frac{1}{2}', benchmark: 'my_bench', meta: { topic: 't' } },
    ]);
  });

  it('a custom toProblem and a custom file name; duplicates need replace', async () => {
    const spec = {
      name: 'my_other',
      file: 'eval.jsonl',
      toProblem: (row: Record<string, unknown>, i: number, name: string) => ({ id: String(i), question: String(row.x), answer: String(row.y), benchmark: name }),
    };
    registerBenchmark(spec);
    expect(() => registerBenchmark(spec)).toThrow(/already registered/);
    registerBenchmark(spec, { replace: true });
    await writeDataset('my_other', '{"x":"1+1","y":2}\n', 'eval.jsonl');
    expect(await loadBenchmark('my_other', { dataDir: dir })).toEqual([{ id: '0', question: '1+1', answer: '2', benchmark: 'my_other' }]);
  });

  it('rejects names that cannot be folder names and bad checksums in a spec', () => {
    expect(() => registerBenchmark({ name: '../x', fields: { question: 'q', answer: 'a' } })).toThrow(/invalid benchmark name/);
    expect(() =>
      registerBenchmark({ name: 'bad_sum', fields: { question: 'q', answer: 'a' }, source: { url: 'https://example.org/x', sha256: 'abc' } }),
    ).toThrow(/sha256 must be 64/);
  });
});

// Tests only: reads the benchmark files and labelled grader cases checked into the repository:
// fixtures/benchmarks (grader cases; benchmark test sets, olympiadbench a slice of 80 rows),
// fixtures/train (slices of the training sets) and packages/datasets/data (Gaokao 2024).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastBoxed } from '@verl-ts/datasets';
import { fixturePath, repoRoot } from '../../../../tools/test-support/fixtures.js';

export interface GraderCase {
  prediction: string;
  gold: string;
  benchmark: string;
  expected: boolean;
  why: string;
  reference: boolean;
  source_id: string;
  choice_text?: string;
}

const GAOKAO_2024 = new Set(['gaokao2024_I', 'gaokao2024_II', 'gaokao2024_mix']);

/** Where a reference file lives in the repository (`benchmarks/<name>/test.jsonl`, `train/…`). */
export function dataPath(...parts: string[]): string {
  if (parts[0] === 'benchmarks' && GAOKAO_2024.has(parts[1])) return join(repoRoot, 'packages', 'datasets', 'data', ...parts.slice(1));
  return fixturePath(...parts);
}

export function readJsonl<T>(...parts: string[]): T[] {
  const file = dataPath(...parts);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, k) => {
      try {
        return JSON.parse(l) as T;
      } catch {
        throw new Error(`${file}:${k + 1}: malformed JSON`);
      }
    });
}

export function graderCases(): GraderCase[] {
  return readJsonl<GraderCase>('benchmarks', 'grader-cases.jsonl');
}

type Row = Record<string, unknown>;

export interface GoldItem {
  benchmark: string;
  id: string;
  question: string;
  gold: string;
  /** Gaokao multiple choice: the gold is a letter and the question has options */
  choice: boolean;
}

/** Gold answers as the harness takes them (benchmarks/README.md, "gold (harness)"). */
export function benchmarkGolds(name: string): GoldItem[] {
  const rows = readJsonl<Row>('benchmarks', name, 'test.jsonl');
  return rows.map((r, k) => {
    const question = String(r.question ?? r.problem ?? '');
    let gold: string;
    let choice = false;
    switch (name) {
      case 'math500':
        gold = String(r.answer);
        break;
      case 'minerva_math':
        const boxed = lastBoxed(String(r.solution));
        if (boxed === null) throw new Error('no complete \\boxed in a gold solution');
        gold = boxed;
        break;
      case 'gsm8k':
        gold = String(r.answer).split('####').pop()!.trim();
        break;
      case 'olympiadbench':
        gold = String((r.final_answer as string[])[0]).replace(/^\$|\$$/g, '');
        break;
      case 'gaokao2023en':
        gold = String(r.answer).replace(/\$/g, '');
        break;
      case 'gaokao2024_mix':
        gold = String(r.choice_answer || r.answer);
        choice = !!r.choice_answer;
        break;
      case 'amc23': {
        const a = r.answer as number;
        gold = Number.isInteger(a) ? a.toFixed(1) : String(a);
        break;
      }
      default:
        gold = String(r.answer);
        choice = /^[A-D]+$/.test(gold) && name.startsWith('gaokao2024');
    }
    const id = String(r.unique_id ?? r.idx ?? r.id ?? k);
    return { benchmark: name, id, question, gold, choice };
  });
}

export const BENCHMARKS = ['gaokao2024_I', 'gaokao2024_II', 'gaokao2024_mix', 'math500', 'gsm8k', 'aime24', 'amc23', 'minerva_math', 'olympiadbench', 'gaokao2023en'];

/** The question of the benchmark row a grader case was written for. */
export function questionIndex(): Map<string, string> {
  const m = new Map<string, string>();
  for (const b of BENCHMARKS) for (const g of benchmarkGolds(b)) m.set(`${b}#${g.id}`, g.question);
  return m;
}

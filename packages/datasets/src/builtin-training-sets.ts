// Training sets (provenance in the repository's fixtures/train/README.md): MATH levels 3-5 (the paper's RL data, rebuilt
// from the raw MATH release), the complementary levels 1-2, and GSM8K train.
import type { DatasetSpec } from './registry.js';
import { gsm8kProblem, verlDataUrl } from './builtin-benchmarks.js';
import { idField, stringField } from './fields.js';

function mathLevels(name: string, levels: string, rows: number): DatasetSpec {
  return {
    name,
    description: `MATH problems of ${levels} from the train and test splits minus MATH-500`,
    rows,
    goldRule: '`answer` (content of the last `\\boxed{}`/`\\fbox{}` of `solution`, brace-matched)',
    origin: 'MATH release (Hendrycks et al., MIT licence), rebuilt as described in the reference data README; no pinned public copy',
    toProblem(row, index, bench) {
      const level = /^Level (\d)$/.exec(stringField(row, 'level'));
      return {
        id: idField(row, 'unique_id', index),
        question: stringField(row, 'problem'),
        answer: stringField(row, 'answer').trim(),
        benchmark: bench,
        meta: { level: level ? Number(level[1]) : row.level, subject: row.type, solution: row.solution, split: row.split },
      };
    },
  };
}

export const BUILTIN_TRAINING_SETS: DatasetSpec[] = [
  mathLevels('math_level3to5', 'levels 3-5', 8888),
  mathLevels('math_level1to2', 'levels 1-2', 3110),
  {
    name: 'gsm8k',
    description: 'GSM8K train split',
    rows: 7473,
    goldRule: 'text after the last `####` of `answer`, trimmed, thousands separators removed',
    origin: 'hf618/VERL examples/simplelr_math_eval/data/gsm8k/train.jsonl (openai/grade-school-math)',
    source: { url: verlDataUrl('gsm8k/train.jsonl'), sha256: '891e0f5e1f7df072284d7e939647e291b07df0746b91cdcc42aecf2cd8c0a61d', bytes: 4237986 },
    toProblem: gsm8kProblem,
  },
];

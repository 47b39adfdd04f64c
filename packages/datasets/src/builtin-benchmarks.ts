// The benchmarks of the paper's evaluation (hf618/VERL examples/simplelr_math_eval/data/<name>/
// test.jsonl, the Qwen2.5-Math harness layout). Gold-answer rules follow the harness's
// `parse_ground_truth` (examples/simplelr_math_eval/parser.py) before its string normalisation,
// which is the verifier's job; the few deliberate differences are noted per entry.
import type { DatasetSpec } from './registry.js';
import type { Problem } from './problem.js';
import { lastBoxed } from './boxed.js';
import { parseChoiceOptions } from './options.js';
import {
  FieldError,
  idField,
  optionalString,
  removeThousandsSeparators,
  scalarField,
  stringField,
  stringListField,
  stripDollars,
} from './fields.js';

/** Pinned public copies: the authors' repository at the commit the reference data was taken from. */
export const VERL_DATA_COMMIT = '3de68f16e447647d3f80d11fdbe5816137b515aa';
export function verlDataUrl(path: string): string {
  return `https://raw.githubusercontent.com/hf618/VERL/${VERL_DATA_COMMIT}/examples/simplelr_math_eval/data/${path}`;
}

const ORIGIN = 'hf618/VERL examples/simplelr_math_eval/data (Qwen2.5-Math evaluation harness data)';

/** Gaokao 2024 national papers I and II: `answer` is a letter (or letters) or a fill-in value. */
function gaokaoPaper(name: string, sha256: string, bytes: number): DatasetSpec {
  return {
    name,
    description: `Gaokao 2024 national maths paper ${name.endsWith('_I') ? 'I' : 'II'} (Chinese; 8 single-choice, 3 multi-choice, 3 fill-in)`,
    rows: 14,
    goldRule: '`answer` (option letter(s) such as `A` or `BC`, or the fill-in value); options parsed from the question',
    origin: ORIGIN,
    source: { url: verlDataUrl(`${name}/test.jsonl`), sha256, bytes },
    bundled: true,
    toProblem(row, index, bench) {
      const question = stringField(row, 'question');
      const type = optionalString(row, 'type');
      const answer = stringField(row, 'answer').trim();
      const options = type === 'blank' ? undefined : parseChoiceOptions(question);
      return withOptions({ id: String(index), question, answer, benchmark: bench, meta: { type } }, options);
    },
  };
}

export const BUILTIN_BENCHMARKS: DatasetSpec[] = [
  gaokaoPaper('gaokao2024_I', '9a5bb19a1b767d5cd48be164efc048351784580142b0dd84a6ad7e8ec3ece18e', 5539),
  gaokaoPaper('gaokao2024_II', '55cc8057d85c5bdf0a993cda2d37b3aee6f733761c70b101a6d086d213732acc', 6078),
  {
    name: 'gaokao2024_mix',
    description: 'Gaokao 2024 maths items from several provincial papers (Chinese; 55 multiple-choice, 36 fill-in/solution)',
    rows: 91,
    goldRule: '`choice_answer` (a letter) if non-empty, else `answer`; the option text is kept in meta.answerText',
    origin: ORIGIN,
    source: { url: verlDataUrl('gaokao2024_mix/test.jsonl'), sha256: 'd00cf32da2252408cb7abd49e8e13adcb801dc08e74a9bd57d1df92c0416935c', bytes: 26662 },
    bundled: true,
    toProblem(row, index, bench) {
      const question = stringField(row, 'question');
      const text = stringField(row, 'answer').trim();
      const choice = (optionalString(row, 'choice_answer') ?? '').trim();
      const id = idField(row, 'idx', index);
      if (choice === '') return { id, question, answer: text, benchmark: bench };
      // `answer` is the option's text, sometimes prefixed with its letter ("C. {x \mid-3<x<4}").
      const answerText = text.replace(new RegExp(`^${choice}\\s*[.．、]\\s*`), '');
      return withOptions({ id, question, answer: choice, benchmark: bench, meta: { answerText } }, parseChoiceOptions(question));
    },
  },
  {
    name: 'math500',
    description: 'MATH-500: 500 MATH test problems (openai/prm800k split), levels 1-5',
    rows: 500,
    goldRule: '`answer` (equals the last `\\boxed{}` of `solution` for every row); the last box of `solution` if `answer` is absent',
    origin: `${ORIGIN}; problems from MATH (Hendrycks et al., MIT licence)`,
    source: { url: verlDataUrl('math500/test.jsonl'), sha256: '35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132', bytes: 446564 },
    toProblem(row, index, bench) {
      const solution = stringField(row, 'solution');
      const answer = (optionalString(row, 'answer') ?? boxedOrThrow(solution, 'solution')).trim();
      return {
        id: idField(row, 'unique_id', index),
        question: stringField(row, 'problem'),
        answer,
        benchmark: bench,
        meta: { solution, subject: row.subject, level: row.level },
      };
    },
  },
  {
    name: 'gsm8k',
    description: 'GSM8K test split: grade-school word problems',
    rows: 1319,
    goldRule: 'text after the last `####` of `answer`, trimmed, thousands separators removed (`2,125` -> `2125`)',
    origin: `${ORIGIN}; openai/grade-school-math`,
    source: { url: verlDataUrl('gsm8k/test.jsonl'), sha256: '9f098df7ff4522078d6ccec27a5c38a454790fdb51131bedfaa0e490070d5394', bytes: 761421 },
    toProblem: gsm8kProblem,
  },
  {
    name: 'aime24',
    description: 'AIME 2024 I and II (30 problems, integer answers 0-999)',
    rows: 30,
    goldRule: '`answer` as written (zero-padded, e.g. `025`)',
    origin: `${ORIGIN}; AoPS wiki`,
    source: { url: verlDataUrl('aime24/test.jsonl'), sha256: 'af2b8bd2aa911b6333ad0df32f3ca05c7ae8ed10f1731f4372c8ae26990bf7ac', bytes: 156944 },
    toProblem(row, index, bench) {
      return {
        id: idField(row, 'id', index),
        question: stringField(row, 'problem'),
        answer: scalarField(row, 'answer').trim(),
        benchmark: bench,
        meta: { url: row.url, solution: row.solution },
      };
    },
  },
  {
    name: 'amc23',
    description: 'AMC 12 2023 A and B (40 problems)',
    rows: 40,
    goldRule: '`answer` (a JSON float such as `27.0`) written as the shortest decimal (`27`); the harness writes `27.0`',
    origin: `${ORIGIN}; AoPS wiki`,
    source: { url: verlDataUrl('amc23/test.jsonl'), sha256: '43707e1ca784602d8479de24ee8ce36609dbebc46dd152b0b12a46611aa898a4', bytes: 27631 },
    toProblem(row, index, bench) {
      return {
        id: idField(row, 'id', index),
        question: stringField(row, 'question'),
        answer: scalarField(row, 'answer').trim(),
        benchmark: bench,
        meta: { url: row.url, rawAnswer: row.answer },
      };
    },
  },
  {
    name: 'minerva_math',
    description: 'Minerva MIT OpenCourseWare problems (science and engineering, 272)',
    rows: 272,
    goldRule: 'last `\\boxed{}` of `solution` (brace-matched); there is no answer field',
    origin: `${ORIGIN}; MIT OCW problems of "Solving Quantitative Reasoning Problems with Language Models"`,
    source: { url: verlDataUrl('minerva_math/test.jsonl'), sha256: '0e656b430d3a0a1dab6aa853f453ba3805e28e2cabe4fc72486a897cc09d8ba2', bytes: 247267 },
    toProblem(row, index, bench) {
      const solution = stringField(row, 'solution');
      return {
        id: idField(row, 'idx', index),
        question: stringField(row, 'problem'),
        answer: boxedOrThrow(solution, 'solution').trim(),
        benchmark: bench,
        meta: { course: row.type, solution },
      };
    },
  },
  {
    name: 'olympiadbench',
    description: 'OlympiadBench, English open-ended maths competition subset (675)',
    rows: 675,
    goldRule: '`final_answer[0]` with its `$` delimiters removed (the harness strips only the outer ones, leaving `69$,$84` for `$69$,$84$`)',
    origin: `${ORIGIN}; OlympiadBench`,
    source: { url: verlDataUrl('olympiadbench/test.jsonl'), sha256: 'bb8c1e38a16ea9eacb77530315a674d883f267fbff79183effc53681b4fcc416', bytes: 1493870 },
    toProblem(row, index, bench) {
      const finals = stringListField(row, 'final_answer');
      if (finals.length === 0) throw new FieldError('field "final_answer" is an empty list');
      const context = optionalString(row, 'context');
      const question = stringField(row, 'question');
      return {
        id: idField(row, 'id', index),
        question: context ? `${context}\n${question}` : question,
        answer: stripDollars(finals[0]),
        benchmark: bench,
        meta: {
          subfield: row.subfield,
          answerType: row.answer_type,
          isMultipleAnswer: row.is_multiple_answer,
          unit: row.unit,
          finalAnswer: finals,
          solution: row.solution,
        },
      };
    },
  },
  {
    name: 'gaokao2023en',
    description: 'Gaokao 2023 and other 2023 exam problems in English (385; 29 multiple-choice)',
    rows: 385,
    goldRule: '`answer` with `$` removed; options `(A) ... (D)` parsed from the question when the gold is a letter',
    origin: ORIGIN,
    source: { url: verlDataUrl('gaokao2023en/test.jsonl'), sha256: '654d8f49bdb86f578c171dbc0dd8f4d9f1bf3d7a7438f60359fda7d643df4951', bytes: 139740 },
    toProblem(row, index, bench) {
      let question = stringField(row, 'question');
      let answer = stripDollars(stringField(row, 'answer'));
      let repaired: string | undefined;
      if (answer === '') {
        // Two rows (167, 192) have an empty `answer` and their gold at the end of the question
        // ("...point.answers: $\frac{3}{10}$", "...(D) $435(100b)$Answer: A"). Move it back so the gold is
        // not empty and the prompt does not leak it.
        const m = /\s*answers?:\s*([^:]+)$/i.exec(question);
        if (m) {
          answer = stripDollars(m[1]);
          question = question.slice(0, m.index);
          repaired = 'gold moved from the end of the question';
        }
      }
      const options = /^[A-E]$/.test(answer) ? parseChoiceOptions(question) : undefined;
      // Only 293 rows carry the source's `id`, so the row number is the id.
      return withOptions(
        { id: String(index), question, answer, benchmark: bench, meta: { source: row.source, sourcename: row.sourcename, sourceId: row.id, ...(repaired ? { repaired } : {}) } },
        options,
      );
    },
  },
];

/** GSM8K row (test or train): the gold is the text after `####`. */
export function gsm8kProblem(row: Record<string, unknown>, index: number, bench: string): Problem {
  const full = stringField(row, 'answer');
  const at = full.lastIndexOf('####');
  if (at < 0) throw new FieldError('field "answer" has no "####" answer line');
  const raw = full.slice(at + 4).trim();
  return {
    id: idField(row, 'idx', index),
    question: stringField(row, 'question'),
    answer: removeThousandsSeparators(raw),
    benchmark: bench,
    meta: { solution: full.slice(0, at).trim(), rawAnswer: raw },
  };
}

export function boxedOrThrow(text: string, field: string): string {
  const b = lastBoxed(text);
  if (b === null) throw new FieldError(`field "${field}" has no \\boxed{} answer`);
  return b;
}

function withOptions(p: Problem, options: Record<string, string> | undefined): Problem {
  return options ? { ...p, options } : p;
}

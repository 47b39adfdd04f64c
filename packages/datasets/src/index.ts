// Public API of @verl-ts/datasets: benchmark and training-set registry, loaders (local folder or
// pinned download with checksum and cache), prompt templates, and the synthetic arithmetic task.
export type { Problem } from './problem.js';

export {
  registerBenchmark,
  registerTrainingSet,
  listBenchmarks,
  listTrainingSets,
  getBenchmark,
  getTrainingSet,
  type DatasetSpec,
  type DatasetSpecInput,
  type DatasetSource,
  type FieldMapping,
} from './registry.js';
export { VERL_DATA_COMMIT } from './builtin-benchmarks.js';

export {
  loadBenchmark,
  loadTrainingSet,
  loadDataset,
  readProblems,
  resolveDatasetFile,
  defaultCacheDir,
  BUNDLED_DATA_DIR,
  DatasetNotFoundError,
  type LoadOptions,
  type DatasetKind,
} from './load.js';
export { downloadVerified, sha256File, ChecksumError, DownloadError, networkFailureReason, type DownloadOptions } from './download.js';
export { parseJsonl, parseJsonlEntries, readJsonl, JsonlError } from './jsonl.js';
export { lastBoxed } from './boxed.js';
export { parseChoiceOptions } from './options.js';
export { FieldError } from './fields.js';

export {
  formatPrompt,
  promptTemplates,
  listPromptTemplates,
  registerPromptTemplate,
  PROMPT_TEMPLATE_TEXTS,
  type PromptTemplate,
  type PromptTemplateInfo,
} from './templates.js';

export {
  arithmeticProblems,
  arithmeticSolution,
  arithmeticSolutions,
  arithmeticSolutionStyles,
  arithmeticDifficulty,
  arithmeticSplitOf,
  solveArithmetic,
  ARITHMETIC_ALPHABET,
  ARITHMETIC_LEVELS,
  ARITHMETIC_LONG_LEVEL,
  ARITHMETIC_MAX_STEPS,
  ARITHMETIC_TEST_FRACTION,
  type ArithmeticLevel,
  type ArithmeticOptions,
  type ArithmeticDifficulty,
  type ArithmeticOperator,
  type ArithmeticSolutionStyle,
} from './arithmetic.js';

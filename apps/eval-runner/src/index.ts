// Public API of @verl-ts/eval-runner: the `verl` command line plus its reusable pieces
// (metrics, report builder, study statistics) for scripts that want them without the CLI.
export { main, COMMANDS } from './cli/main.js';
export { ProgressBar, formatDuration, estimateEta } from './cli/progress.js';
export { passAtK, meanPassAtK, avgAtN, firstSampleAccuracy } from './metrics/pass-at-k.js';
export { majorityVote, meanMajorityAtK, exactAnswerEquality, type AnswerEquality, type VoteResult } from './metrics/majority.js';
export type { EvalSummary, BenchmarkScores } from './eval/summary-types.js';
export { buildReport, correlations } from './report/html.js';
export { loadRun, type RunData } from './report/load-run.js';
export { pearson } from './report/stats.js';
export { checkPage, screenshot, findChromium } from './report/chromium.js';
export { runEval, scoreBenchmark, recordSettings, type EvalOptions, type EvalResult, type EvalProblem, type EvalEngine, type Grader } from './eval/run-eval.js';
export { readRecords, type ProblemRecord } from './eval/records.js';
export { settingsHash, settingsDifferences, type RecordSettings } from './eval/settings.js';
export { chooseOutDir, inspectOutDir, OutDirError } from './eval/out-dir.js';
export { formatSummaryTable, formatSummaryMarkdown } from './eval/table.js';
export { probeResponses, writeProbe, type ProbeRow } from './eval/probe.js';
export { DEMO_DEFAULTS, type DemoSettings } from './demo/config.js';
export { tinyArithDir } from './demo/assets.js';
export { meanCI, bootstrapCI, pairedDifference, comparisonSentence, studentTQuantile, percentile, BOOTSTRAP_RESAMPLES, type Interval, type MeanCI } from './study/stats.js';
export { parseStudyConfig, defaultArms, runConfigInput, STUDY_EVAL_DEFAULTS, type StudyArm, type StudyConfig, type StudyEval } from './study/study-config.js';
export { summarizeStudy, type ArmSummary, type RunResult, type StudySummary } from './study/summary.js';
export { runStudy, type RunStudyOptions, type StudyRunResult } from './study/run-study.js';
export { writeStudyOutputs } from './study/outputs.js';
export { formatStudyMarkdown, formatStudyTable } from './study/table.js';
export { buildStudyReport, type RunSettings, type StudyArmRuns } from './report/study-report.js';

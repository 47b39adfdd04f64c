// What a study leaves in its folder: study.json (the summary), study.md (the table and the
// sentences) and report.html (plots), all rebuilt from the finished runs on every call.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadRun } from '../report/load-run.js';
import { buildStudyReport, type RunSettings, type StudyArmRuns } from '../report/study-report.js';
import { armRunDirs, STUDY_FILES } from './run-study.js';
import type { StudyConfig } from './study-config.js';
import type { StudySummary } from './summary.js';
import { formatStudyMarkdown } from './table.js';

export function writeStudyOutputs(study: StudyConfig, summary: StudySummary): { json: string; markdown: string; report: string } {
  const dir = resolve(study.outputDir, study.name);
  const json = join(dir, STUDY_FILES.summary);
  const markdown = join(dir, STUDY_FILES.table);
  const report = join(dir, STUDY_FILES.report);
  writeFileSync(json, JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(markdown, `# Study ${study.name}\n\n${formatStudyMarkdown(summary)}`);
  const arms: StudyArmRuns[] = [];
  const settings: RunSettings[] = [];
  for (const { arm, dirs } of armRunDirs(study)) {
    arms.push({ name: arm.name, label: arm.label, runs: dirs.map((d) => loadRun(d, { maxSamples: 0 })) });
    for (const d of dirs) {
      const cfgPath = join(d, 'config.json');
      const config = existsSync(cfgPath) ? (JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>) : {};
      settings.push({ run: String(config.name ?? d), arm: arm.name, seed: Number(config.seed ?? Number.NaN), config });
    }
  }
  writeFileSync(report, buildStudyReport(summary, arms, settings));
  return { json, markdown, report };
}

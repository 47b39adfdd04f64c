// Training time of a run, from its metrics.jsonl: the sum of each step's `time.total`. Wall
// clock around trainRL would count only the steps of this session, so a resumed run would
// report a fraction of its real training time (issue 13 point 10).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function trainSecondsOf(runDir: string): number {
  const file = join(runDir, 'metrics.jsonl');
  if (!existsSync(file)) return 0;
  let seconds = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const total = (JSON.parse(line) as { time?: { total?: number } }).time?.total;
    if (typeof total === 'number' && Number.isFinite(total)) seconds += total;
  }
  return seconds;
}

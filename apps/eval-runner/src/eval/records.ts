// Per-problem JSONL records of an eval run (<out>/<benchmark>.jsonl). Written after each batch
// so an interrupted eval resumes where it stopped.
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';

export interface ProblemRecord {
  id: string;
  benchmark: string;
  question: string;
  answer: string;
  responses: string[];
  extracted: (string | null)[];
  correct: boolean[];
  finishReasons: string[];
  responseTokens: number[];
  /** settingsHash() of the settings that drew the responses (absent in records of older versions). */
  settingsHash?: string;
}

/**
 * Reads existing records by id (the last line for an id wins). A half-written final line, as an
 * interrupted write leaves it, is ignored; a malformed line elsewhere is an error naming it.
 */
export function readRecords(path: string): Map<string, ProblemRecord> {
  const out = new Map<string, ProblemRecord>();
  if (!existsSync(path)) return out;
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let rec: ProblemRecord;
    try {
      rec = JSON.parse(line) as ProblemRecord;
    } catch (e) {
      const isTruncatedTail = i === lines.length - 1 && !text.endsWith('\n');
      if (isTruncatedTail) continue;
      throw new Error(`${path}:${i + 1}: malformed JSON line (${(e as Error).message})`);
    }
    if (typeof rec.id !== 'string' || !Array.isArray(rec.responses) || !Array.isArray(rec.correct)) {
      throw new Error(`${path}:${i + 1}: not an eval record (needs id, responses, correct)`);
    }
    out.set(rec.id, rec);
  }
  return out;
}

export function appendRecords(path: string, records: ProblemRecord[]): void {
  if (records.length === 0) return;
  // A previous run killed mid-line leaves a partial last line: drop it before appending.
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) truncateSync(path, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }
  appendFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

import { readFile } from 'node:fs/promises';

/** A malformed line in a JSON-lines file; names the file and the 1-based line number. */
export class JsonlError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'JsonlError';
  }
}

/**
 * Parse JSON-lines text into objects. Blank lines are skipped (a trailing newline is normal);
 * every other line must be one JSON object, else a JsonlError names `file` and the line.
 */
export function parseJsonl(text: string, file: string): Record<string, unknown>[] {
  return parseJsonlEntries(text, file).map((e) => e.value);
}

/** Like parseJsonl, with each object's 1-based line number (for errors found later). */
export function parseJsonlEntries(text: string, file: string): { line: number; value: Record<string, unknown> }[] {
  const rows: { line: number; value: Record<string, unknown> }[] = [];
  // Strip a UTF-8 byte-order mark, which some editors add and JSON.parse rejects.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new JsonlError(file, i + 1, `malformed JSON (${reason}): ${preview(line)}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new JsonlError(file, i + 1, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'null' : typeof value}`);
    }
    rows.push({ line: i + 1, value: value as Record<string, unknown> });
  }
  return rows;
}

/** Read and parse a JSON-lines file (UTF-8). */
export async function readJsonl(file: string): Promise<Record<string, unknown>[]> {
  return parseJsonl(await readFile(file, 'utf8'), file);
}

function preview(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

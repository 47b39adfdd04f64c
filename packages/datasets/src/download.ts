import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A downloaded or cached file whose sha256 is not the pinned one. */
export class ChecksumError extends Error {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`sha256 mismatch for ${what}: expected ${expected}, got ${actual}`);
    this.name = 'ChecksumError';
  }
}

/** A download that did not complete: `url` and the reason in words (`cause` keeps the original error). */
export class DownloadError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`download of ${url} failed: ${reason}`, options);
    this.name = 'DownloadError';
  }
}

// Node's fetch (undici) rejects with just "fetch failed"; what happened is a code on e.cause.
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found (offline?)',
  EAI_AGAIN: 'host name lookup failed (offline?)',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable (offline?)',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
};

/** "connection refused (ECONNREFUSED)", "no answer within 120 s", … for an error of fetch or of reading its body. */
export function networkFailureReason(e: unknown, timeoutMs: number): string {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const { code, name } = c as { code?: unknown; name?: unknown };
    if (name === 'TimeoutError') return `no answer within ${Math.round(timeoutMs / 1000)} s (ETIMEDOUT)`;
    if (typeof code === 'string' && NETWORK_CODES[code]) return `${NETWORK_CODES[code]} (${code})`;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return `${(c as Error).message ?? 'network error'} (${code})`;
  }
  // no code: the innermost cause's own words ("bad port"), not the bare "fetch failed"
  let said = e instanceof Error ? e.message : String(e);
  for (let c: unknown = (e as { cause?: unknown })?.cause, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) if (c.message) said = c.message;
  return said;
}

export interface DownloadOptions {
  /** fetch implementation (default: the global fetch of Node >= 20). */
  fetch?: typeof fetch;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  /** Called as bytes arrive. */
  onProgress?: (p: { bytes: number; total?: number }) => void;
}

/** sha256 (lower-case hex) of a file's bytes, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Download `url` to `dest`, checking its sha256 while it streams. The bytes go to a temporary
 * file beside `dest` that is renamed over it only after the checksum matched, so `dest` is either
 * absent or complete and verified, even with concurrent downloads or a crash midway. On a
 * mismatch or any error the temporary file is removed and nothing is left at `dest`.
 */
export async function downloadVerified(url: string, sha256: string, dest: string, opts: DownloadOptions = {}): Promise<void> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  if (typeof doFetch !== 'function') throw new Error('no fetch available (Node >= 20 has a global fetch)');
  const expected = sha256.toLowerCase();
  await mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.${randomBytes(6).toString('hex')}.part`;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let res: Response;
  try {
    res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (e) {
    throw new DownloadError(url, networkFailureReason(e, timeoutMs), { cause: e });
  }
  if (!res.ok || !res.body) {
    throw new DownloadError(url, `HTTP ${res.status} ${res.statusText}`.trimEnd());
  }
  const total = Number(res.headers.get('content-length')) || undefined;
  const hash = createHash('sha256');
  const fh = await open(tmp, 'wx');
  let keep = false;
  try {
    let bytes = 0;
    const body = res.body as AsyncIterable<Uint8Array>;
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (e) {
        // the connection broke (or the timeout fired) after the headers
        throw new DownloadError(url, `${networkFailureReason(e, timeoutMs)} after ${bytes} bytes`, { cause: e });
      }
      if (next.done) break;
      const chunk = next.value;
      hash.update(chunk);
      bytes += chunk.byteLength;
      await fh.write(chunk);
      opts.onProgress?.({ bytes, total });
    }
    await fh.sync();
    await fh.close();
    const actual = hash.digest('hex');
    if (actual !== expected) throw new ChecksumError(url, expected, actual);
    await rename(tmp, dest);
    keep = true;
  } finally {
    if (!keep) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

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
  let res: Response;
  try {
    res = await doFetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000), redirect: 'follow' });
  } catch (e) {
    throw new Error(`download of ${url} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!res.ok || !res.body) {
    throw new Error(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`.trimEnd());
  }
  const total = Number(res.headers.get('content-length')) || undefined;
  const hash = createHash('sha256');
  const fh = await open(tmp, 'wx');
  let keep = false;
  try {
    let bytes = 0;
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
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

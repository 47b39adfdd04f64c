// The download path against a local HTTP server on 127.0.0.1: right checksum caches, wrong
// checksum is a clear error and leaves no file behind, the cache is re-verified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChecksumError, DatasetNotFoundError, DownloadError, downloadVerified, loadBenchmark, registerBenchmark, sha256File } from './index.js';

const BODY = ['{"question":"1+1","answer":"2"}', '{"question":"2*3","answer":"6"}', ''].join('\n');
const SHA = createHash('sha256').update(BODY).digest('hex');
let server: Server;
let base: string;
let dir: string;
const hits: string[] = [];

beforeAll(async () => {
  delete process.env.VERL_DATA_DIR; // these tests exercise the download path
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/data/cut.jsonl') {
      // promises more bytes than it sends, then drops the connection
      res.writeHead(200, { 'content-length': 10_000 });
      res.write(BODY);
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (req.url === '/data/test.jsonl') {
      res.writeHead(200, { 'content-type': 'application/jsonl', 'content-length': Buffer.byteLength(BODY) });
      res.end(BODY);
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'verl-dl-'));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const fields = { question: 'question', answer: 'answer' };

describe('download with a pinned sha256', () => {
  it('a right checksum downloads into the cache, and the next load reads the cache', async () => {
    registerBenchmark({ name: 'dl_ok', fields, source: { url: `${base}/data/test.jsonl`, sha256: SHA } });
    const cacheDir = join(dir, 'cache-ok');
    const before = hits.length;
    const ps = await loadBenchmark('dl_ok', { cacheDir });
    expect(ps.map((p) => p.answer)).toEqual(['2', '6']);
    const cached = join(cacheDir, 'dl_ok', 'test.jsonl');
    expect(await readFile(cached, 'utf8')).toBe(BODY);
    expect(await readdir(join(cacheDir, 'dl_ok'))).toEqual(['test.jsonl']);
    expect(hits.length).toBe(before + 1);
    await loadBenchmark('dl_ok', { cacheDir, offline: true });
    await loadBenchmark('dl_ok', { cacheDir });
    expect(hits.length).toBe(before + 1);
  });

  it('a wrong checksum is a clear error and leaves no cache file', async () => {
    const wrong = 'f'.repeat(64);
    registerBenchmark({ name: 'dl_bad', fields, source: { url: `${base}/data/test.jsonl`, sha256: wrong } });
    const cacheDir = join(dir, 'cache-bad');
    const err = await loadBenchmark('dl_bad', { cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChecksumError);
    expect((err as Error).message).toBe(`sha256 mismatch for ${base}/data/test.jsonl: expected ${wrong}, got ${SHA}`);
    expect(await readdir(join(cacheDir, 'dl_bad'))).toEqual([]);
  });

  it('a corrupted cache file is replaced by a fresh verified download (or reported when offline)', async () => {
    registerBenchmark({ name: 'dl_fix', fields, source: { url: `${base}/data/test.jsonl`, sha256: SHA } });
    const cacheDir = join(dir, 'cache-fix');
    await loadBenchmark('dl_fix', { cacheDir });
    const cached = join(cacheDir, 'dl_fix', 'test.jsonl');
    await writeFile(cached, '{"question":"tampered","answer":"0"}\n');
    await expect(loadBenchmark('dl_fix', { cacheDir, offline: true })).rejects.toThrow(/sha256 mismatch for cached .*delete it to download again/);
    expect((await loadBenchmark('dl_fix', { cacheDir })).map((p) => p.question)).toEqual(['1+1', '2*3']);
    expect(await sha256File(cached)).toBe(SHA);
  });

  it('offline without a cache, HTTP errors and refused connections are clear errors', async () => {
    registerBenchmark({ name: 'dl_404', fields, source: { url: `${base}/missing.jsonl`, sha256: SHA } });
    await expect(loadBenchmark('dl_404', { cacheDir: join(dir, 'c404'), offline: true })).rejects.toThrow(DatasetNotFoundError);
    await expect(loadBenchmark('dl_404', { cacheDir: join(dir, 'c404') })).rejects.toThrow(`download of ${base}/missing.jsonl failed: HTTP 404`);
    expect(await readdir(join(dir, 'c404', 'dl_404'))).toEqual([]);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(downloadVerified(`http://127.0.0.1:${port}/x`, SHA, join(dir, 'refused', 'x'))).rejects.toThrow(/download of .* failed/);
  });

  it('issue 13 point 8: network failures name the URL and the cause, and loading says how to work offline', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const url = `http://127.0.0.1:${port}/gone.jsonl`;
    const refused = await downloadVerified(url, SHA, join(dir, 'refused2', 'x')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DownloadError);
    expect((refused as Error).message).toBe(`download of ${url} failed: connection refused (ECONNREFUSED)`);

    registerBenchmark({ name: 'dl_offline', fields, source: { url, sha256: SHA } });
    const cacheDir = join(dir, 'c-offline');
    const msg = ((await loadBenchmark('dl_offline', { cacheDir }).catch((e: unknown) => e)) as Error).message;
    expect(msg).toContain(`download of ${url} failed: connection refused (ECONNREFUSED)`);
    expect(msg).toContain(`downloaded once into ${join(cacheDir, 'dl_offline')}`);
    expect(msg).toContain('pass --data-dir DIR');
    expect(msg).toContain('dl_offline/test.jsonl');
    expect(msg).not.toContain('\n');

    const dns = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND example.invalid'), { code: 'ENOTFOUND' }) });
    }) as typeof fetch;
    await expect(downloadVerified('https://example.invalid/x', SHA, join(dir, 'dns', 'x'), { fetch: dns })).rejects.toThrow(
      'download of https://example.invalid/x failed: host name not found (offline?) (ENOTFOUND)',
    );
    await expect(downloadVerified('http://127.0.0.1:1/x', SHA, join(dir, 'port1', 'x'))).rejects.toThrow('download of http://127.0.0.1:1/x failed: bad port');
    const cut = await downloadVerified(`${base}/data/cut.jsonl`, SHA, join(dir, 'cut', 'x')).catch((e: unknown) => e);
    expect((cut as Error).message).toMatch(new RegExp(`^download of ${base}/data/cut.jsonl failed: .* after ${Buffer.byteLength(BODY)} bytes$`));
    expect(await readdir(join(dir, 'cut'))).toEqual([]);
  });

  it('reports progress and accepts an injected fetch', async () => {
    const seen: number[] = [];
    const dest = join(dir, 'inj', 'f.jsonl');
    await downloadVerified(`${base}/data/test.jsonl`, SHA, dest, { onProgress: (p) => seen.push(p.bytes) });
    expect(seen.at(-1)).toBe(Buffer.byteLength(BODY));
    const fake = (async () => new Response('other bytes')) as typeof fetch;
    await expect(downloadVerified('https://example.invalid/f', SHA, join(dir, 'inj', 'g.jsonl'), { fetch: fake })).rejects.toThrow(ChecksumError);
    expect((await readdir(join(dir, 'inj'))).sort()).toEqual(['f.jsonl']);
  });

  it('a data dir, when given, wins and nothing is downloaded', async () => {
    registerBenchmark({ name: 'dl_local', fields, source: { url: `${base}/data/test.jsonl`, sha256: SHA } });
    const before = hits.length;
    await expect(loadBenchmark('dl_local', { dataDir: join(dir, 'nowhere'), cacheDir: join(dir, 'c-local') })).rejects.toThrow(/or leave it out to download/);
    expect(hits.length).toBe(before);
  });
});

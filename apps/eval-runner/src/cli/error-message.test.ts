import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError, humanizeSystemErrors, networkCause } from './error-message.js';

const RAW_CODE = /\bE[A-Z]{3,}\b(?!\))/; // a code not explained in parentheses

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

describe('describeError', () => {
  it('issue 13 point 9: file system errors in words, without raw codes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verl-err-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const cases: [unknown, string][] = [
      [thrown(() => readFileSync(join(dir, 'missing.yaml'))), `${join(dir, 'missing.yaml')} does not exist`],
      [thrown(() => mkdirSync(join(file, 'sub'), { recursive: true })), 'part of this path is a file, not a folder'],
      [thrown(() => mkdirSync(file)), `${file} exists and is not a folder`],
      [thrown(() => readFileSync(dir)), 'a folder was given where a file was expected'],
      [Object.assign(new Error("EACCES: permission denied, open '/root/x'"), { code: 'EACCES', path: '/root/x', syscall: 'open' }), 'permission denied for /root/x'],
    ];
    for (const [e, want] of cases) {
      const line = describeError(e);
      expect(line).toContain(want);
      expect(line).not.toMatch(RAW_CODE);
    }
    // wrapped into another message, or reported as a bare code
    expect(humanizeSystemErrors(`cannot read config x.yaml: ENOENT: no such file or directory, open 'x.yaml'`)).toBe('cannot read config x.yaml: x.yaml does not exist');
    expect(humanizeSystemErrors('cannot read /m/tokenizer.json: ENOENT')).toBe('cannot read /m/tokenizer.json: it does not exist');
    expect(humanizeSystemErrors('cannot read /etc/passwd/config.json: ENOTDIR')).toBe('cannot read /etc/passwd/config.json: part of the path is a file, not a folder');
  });

  it('issue 13 point 9: a prefix the thrower already added is not repeated', () => {
    expect(describeError(new Error('eval: k=16 is larger than n=4'), 'eval')).toBe('k=16 is larger than n=4');
    expect(describeError(new Error('report: run folder not found: x'), 'report')).toBe('run folder not found: x');
    expect(describeError(new Error('evaluation failed'), 'eval')).toBe('evaluation failed');
  });

  it('issue 13 point 8: "fetch failed" names the network cause', async () => {
    const port = await deadPort();
    const e = await fetch(`http://127.0.0.1:${port}/v1/models`).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((e as Error).message).toBe('fetch failed');
    expect(networkCause(e)).toBe('connection refused (is the server running?) (ECONNREFUSED)');
    expect(describeError(e)).toBe('network request failed: connection refused (is the server running?) (ECONNREFUSED)');
    const dns = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND example.invalid'), { code: 'ENOTFOUND' }) });
    expect(networkCause(dns)).toBe('host name not found (offline, or a typo in the host?) (ENOTFOUND)');
    // a port fetch refuses to use: undici's cause has words but no code
    const blocked = await fetch('http://127.0.0.1:1/').catch((err: unknown) => err);
    expect(describeError(blocked)).toBe('network request failed: bad port');
  });
});

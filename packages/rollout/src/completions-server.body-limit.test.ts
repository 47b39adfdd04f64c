// issue 13 point 6: a body over the limit must reach its 413 while the client is still
// uploading, not a closed socket (a broken pipe, which the openai client reports as "Connection
// error" and then retries the upload).
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { createCompletionsServer } from './completions-server.js';
import type { CompletionsLimits } from './request-error.js';
import { createLocalEngine } from './local-engine.js';
import { createFakeModel } from './test-utils/fake-model.js';
import { createCharTokenizer } from './test-utils/char-tokenizer.js';

const tokenizer = createCharTokenizer(100);
const BODY = 20_000_000; // 20 MB, twenty times the default limit
const servers: Server[] = [];
async function start(limits: Partial<CompletionsLimits> = {}): Promise<number> {
  const s = createCompletionsServer({ engine: createLocalEngine(createFakeModel({ vocabSize: 100 }), tokenizer), tokenizer, modelName: 'fake', limits });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

interface RawResult {
  /** everything the server sent */
  response: string;
  /** body bytes the client managed to send */
  uploaded: number;
  error: string | undefined;
}

/**
 * POSTs a body of `size` bytes over a raw socket, 64 KiB at a time with backpressure, as a
 * client that uploads everything before reading; `chunked` sends no Content-Length.
 */
function rawPost(port: number, size: number, chunked = false): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const result: RawResult = { response: '', uploaded: 0, error: undefined };
    socket.on('data', (d) => (result.response += d.toString('latin1')));
    socket.on('error', (e) => (result.error = (e as NodeJS.ErrnoException).code ?? e.message));
    socket.on('close', () => resolve(result));
    const piece = Buffer.alloc(1 << 16, 'x');
    const frame = (b: Buffer) => (chunked ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]) : b);
    const length = chunked ? 'transfer-encoding: chunked' : `content-length: ${size}`;
    socket.write(`POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${length}\r\nconnection: close\r\n\r\n`);
    const pump = () => {
      while (result.uploaded < size && !socket.destroyed) {
        const b = piece.subarray(0, Math.min(piece.length, size - result.uploaded));
        result.uploaded += b.length;
        if (!socket.write(frame(b))) return void socket.once('drain', pump);
      }
      if (!socket.destroyed && chunked) socket.write('0\r\n\r\n');
    };
    pump();
  });
}

describe('issue 13 point 6: the 413 for a body over the limit', () => {
  it('reaches a raw-socket client that uploads all 20 MB first, 10 times out of 10 (with and without Content-Length)', async () => {
    const port = await start();
    for (let i = 0; i < 10; i++) {
      const r = await rawPost(port, BODY, i % 5 === 4);
      expect(r.error, `try ${i}`).toBeUndefined();
      expect(r.uploaded).toBe(BODY);
      expect(r.response).toMatch(/^HTTP\/1\.1 413 /);
      const json = JSON.parse(r.response.slice(r.response.indexOf('\r\n\r\n') + 4));
      expect(json.error).toMatchObject({ code: 413, type: 'invalid_request_error' });
      expect(json.error.message).toMatch(/exceeds the limit of 1048576 bytes/);
    }
  });

  it('reaches the official openai client (maxRetries 0) as a 413 APIError, 10 times out of 10', async () => {
    const port = await start();
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'unused', maxRetries: 0 });
    const prompt = 'x'.repeat(BODY);
    for (let i = 0; i < 10; i++) {
      const e = await client.completions.create({ model: 'fake', prompt, max_tokens: 1 }).then(
        () => new Error('accepted'),
        (err: unknown) => err,
      );
      expect(e, `try ${i}`).toBeInstanceOf(OpenAI.APIError);
      expect((e as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    }
    // the server is still fine, and a body under the limit works
    expect((await client.completions.create({ model: 'fake', prompt: 'ab', max_tokens: 2 })).choices).toHaveLength(1);
  });

  it('answers Expect: 100-continue with the 413 before the upload, and with 100 Continue under the limit', async () => {
    const port = await start();
    const ask = (length: number, body: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let got = '';
        let sent = false;
        socket.on('data', (d) => {
          got += d.toString('latin1');
          if (!sent && got.startsWith('HTTP/1.1 100 ')) {
            sent = true;
            socket.write(body);
          }
        });
        socket.on('error', reject);
        socket.on('close', () => resolve(got));
        socket.write(`POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n`);
      });
    expect(await ask(BODY, '')).toMatch(/^HTTP\/1\.1 413 /); // no body was sent at all
    const small = '{"prompt":"ab","max_tokens":2}';
    expect(await ask(small.length, small)).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it('past the hard cap answers at once and closes the connection; the server keeps serving', async () => {
    const port = await start({ maxDiscardBytes: 4 << 20 });
    const r = await rawPost(port, BODY);
    expect(r.uploaded).toBeLessThan(BODY); // the server stopped reading
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'unused', maxRetries: 0 });
    expect((await client.completions.create({ model: 'fake', prompt: 'ab', max_tokens: 2 })).choices).toHaveLength(1);
  });
});

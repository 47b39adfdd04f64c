// The `tokenizers` Node binding only offers asynchronous encode/decode (they run on the libuv
// thread pool). The Tokenizer contract is synchronous, so encode/decode are served by a worker
// thread that owns its own copy of the tokenizer; the caller blocks on Atomics.wait until the
// worker posts the answer, then takes it with receiveMessageOnPort. A round trip costs tens of
// microseconds; the async methods skip it.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export type WorkerRequest =
  | { op: 'encode'; texts: string[]; addSpecialTokens: boolean }
  | { op: 'decode'; ids: number[][]; skipSpecialTokens: boolean };
type WorkerReply = { ok: true; result: number[][] | string[] } | { ok: false; error: string };

// Plain CommonJS run with `eval: true`, so it works from TypeScript sources (tests) and from dist alike.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { Tokenizer } = require(workerData.tokenizersPath);
const { port, flag, json } = workerData;
const done = new Int32Array(flag);
let tok, loadError;
try { tok = Tokenizer.fromString(json); } catch (e) { loadError = String((e && e.message) || e); }
port.on('message', async (req) => {
  let reply;
  try {
    if (loadError) throw new Error(loadError);
    if (req.op === 'encode') {
      const encs = await tok.encodeBatch(req.texts, { addSpecialTokens: req.addSpecialTokens });
      reply = { ok: true, result: encs.map((e) => e.getIds()) };
    } else {
      reply = { ok: true, result: await tok.decodeBatch(req.ids, req.skipSpecialTokens) };
    }
  } catch (e) {
    reply = { ok: false, error: String((e && e.message) || e) };
  }
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
`;

export class SyncTokenizerWorker {
  private worker: Worker;
  private port: MessagePort;
  private flag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(tokenizerJson: string, private timeoutMs = 120_000) {
    const tokenizersPath = createRequire(import.meta.url).resolve('tokenizers');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { tokenizersPath, port: port2, flag: this.flag.buffer, json: tokenizerJson },
      transferList: [port2],
    });
    // the worker must never keep the process alive
    this.worker.unref();
    this.port.unref();
  }

  call(req: WorkerRequest): number[][] | string[] {
    if (this.closed) throw new Error('tokenizer used after close()');
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    const r = Atomics.wait(this.flag, 0, 0, this.timeoutMs);
    const msg = receiveMessageOnPort(this.port);
    if (!msg) throw new Error(r === 'timed-out' ? `tokenizer worker did not answer within ${this.timeoutMs} ms` : 'tokenizer worker sent no reply');
    const reply = msg.message as WorkerReply;
    if (!reply.ok) throw new Error(`tokenizer: ${reply.error}`);
    return reply.result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}

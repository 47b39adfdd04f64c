// The `tokenizers` Node binding only offers asynchronous encode/decode (they run on the libuv
// thread pool). The Tokenizer contract is synchronous, so encode/decode are served by a worker
// thread that owns its own copy of the tokenizer; the caller blocks on Atomics.wait until the
// worker has posted the answer, then takes it with receiveMessageOnPort. A round trip costs tens
// of microseconds; the async methods skip it.
//
// Every request carries a sequence number, and the worker publishes in the shared word the number
// of the request it has just answered. The caller waits until the word holds ITS number, not merely
// until it is woken: a worker thread preempted between storing the word and notifying for reply k
// delivers that notify while the caller already waits for reply k+1, and a caller that trusted the
// wake-up found no reply yet ("tokenizer worker sent no reply", issue 13 point 10). Replies that
// arrive after their call timed out are recognised by their number and dropped.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export type WorkerRequest =
  | { op: 'encode'; texts: string[]; addSpecialTokens: boolean }
  | { op: 'decode'; ids: number[][]; skipSpecialTokens: boolean };
type WorkerReply = { seq: number; ok: true; result: unknown } | { seq: number; ok: false; error: string };

/**
 * Plain CommonJS run with `eval: true`, so it works from TypeScript sources (tests) and from dist
 * alike. `factorySource` is the source of a function `(data, { flag }) => async (request) => result`,
 * called once when the worker starts; `require` is in scope.
 */
function workerSource(factorySource: string): string {
  return `
const { workerData } = require('node:worker_threads');
const { port, flag, data } = workerData;
const answered = new Int32Array(flag);
let handle, loadError;
try { handle = (${factorySource})(data, { flag }); } catch (e) { loadError = String((e && e.message) || e); }
port.on('message', async ({ seq, request }) => {
  let reply;
  try {
    if (loadError) throw new Error(loadError);
    reply = { seq, ok: true, result: await handle(request) };
  } catch (e) {
    reply = { seq, ok: false, error: String((e && e.message) || e) };
  }
  port.postMessage(reply);
  Atomics.store(answered, 0, seq);
  Atomics.notify(answered, 0);
});
`;
}

/** A worker thread answering requests synchronously for the calling thread. */
export class SyncWorker<Req, Res> {
  private worker: Worker;
  private port: MessagePort;
  /** The sequence number of the request the worker answered last. */
  private answered = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  private closed = false;

  /** `label` names the worker in errors, e.g. 'tokenizer worker'. */
  constructor(
    factorySource: string,
    data: unknown,
    private readonly label: string,
    private readonly timeoutMs = 120_000,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerSource(factorySource), {
      eval: true,
      // The source is CommonJS: a host started with --input-type=module (`node --input-type=module
      // -e …`) would hand that flag down, the worker would fail to start and the caller wait.
      execArgv: process.execArgv.filter((a) => !/^--(input-type|experimental-default-type)\b/.test(a)),
      workerData: { port: port2, flag: this.answered.buffer, data },
      transferList: [port2],
    });
    // the worker must never keep the process alive
    this.worker.unref();
    this.port.unref();
  }

  call(request: Req): Res {
    if (this.closed) throw new Error(`${this.label} used after close()`);
    // positive int32 numbers, never 0 (the word's initial value)
    const seq = (this.seq = (this.seq % 0x7fff_fffe) + 1);
    this.port.postMessage({ seq, request });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.answered, 0);
      if (seen === seq) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label} did not answer within ${this.timeoutMs} ms`);
      // woken by the notify of any reply (possibly an earlier one) or by a change of the word: look again
      Atomics.wait(this.answered, 0, seen, left);
    }
    for (;;) {
      const msg = receiveMessageOnPort(this.port);
      // the worker posts before it publishes the number, so the reply is queued by now
      if (!msg) throw new Error(`${this.label} answered request ${seq} but its reply is not on the port`);
      const reply = msg.message as WorkerReply;
      if (reply.seq !== seq) continue; // the late answer to a call that timed out
      if (!reply.ok) throw new Error(`${this.label}: ${reply.error}`);
      return reply.result as Res;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}

const TOKENIZER_FACTORY = `(data) => {
  const { Tokenizer } = require(data.tokenizersPath);
  const tok = Tokenizer.fromString(data.json);
  return async (req) => {
    if (req.op === 'encode') {
      const encs = await tok.encodeBatch(req.texts, { addSpecialTokens: req.addSpecialTokens });
      return encs.map((e) => e.getIds());
    }
    return tok.decodeBatch(req.ids, req.skipSpecialTokens);
  };
}`;

/** Synchronous encode/decode of a tokenizer.json through its own worker thread. */
export class SyncTokenizerWorker extends SyncWorker<WorkerRequest, number[][] | string[]> {
  constructor(tokenizerJson: string, timeoutMs = 120_000) {
    const tokenizersPath = createRequire(import.meta.url).resolve('tokenizers');
    super(TOKENIZER_FACTORY, { tokenizersPath, json: tokenizerJson }, 'tokenizer worker', timeoutMs);
  }
}

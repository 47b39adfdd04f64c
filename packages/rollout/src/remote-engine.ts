// A RolloutEngine over an OpenAI-compatible /v1/completions endpoint (vLLM, SGLang, this
// project's `serve`), or over several such servers (remote-pool.ts: each request goes to the
// least busy live one). One request per prompt with `n` samples, so the server can share the
// prompt's prefill across the group; requests run concurrently up to a limit per server, each
// with a timeout, and are retried with exponential backoff on 408/409/429/5xx, timeouts and
// network errors (the retry policy of the official OpenAI clients). A network failure or
// timeout on one of several servers moves the request at once to another live server.
import type { Tokenizer } from '@verl-ts/models';
import { Rng } from '@verl-ts/prng';
import { arePromptIds, checkPromptSeeds, normalizeGenerateOptions, type NormalizedOptions } from './options.js';
import { parseServerList, ServerPool, type ServerLease } from './remote-pool.js';
import type { FinishReason, GenerateOptions, Rollout, RolloutEngine } from './types.js';

export interface RemoteEngineOptions {
  /**
   * e.g. http://127.0.0.1:8000 or http://127.0.0.1:8000/v1; several servers as a list or a
   * comma-separated string (all serving the same model).
   */
  baseUrl: string | string[];
  /** The `model` field sent with every request. */
  model: string;
  apiKey?: string;
  /** Requests in flight at once per server. Default 8. */
  concurrency?: number;
  /** With several servers: how long one that failed at the network level is skipped. Default 30 000. */
  retryDeadAfterMs?: number;
  /** Where the warning about a dead server goes (several servers only). Default console.warn. */
  warn?: (message: string) => void;
  /** Per attempt, covering the whole response. Default 600000 (10 min). */
  timeoutMs?: number;
  /** Extra attempts after the first. Default 3. */
  retries?: number;
  /** First backoff delay; doubles per retry, with ±25 % jitter, capped at 30 s. Default 500. */
  backoffMs?: number;
  /** Tokenizes text when the server returns no token ids, and string prompts for `promptIds`. */
  tokenizer?: Tokenizer;
  /**
   * Send vLLM's extra parameters (top_k, return_token_ids, return_tokens_as_token_ids,
   * ignore_eos, stop_token_ids). vLLM and SGLang accept them; a strict OpenAI server may not.
   * Default true.
   */
  vllmExtensions?: boolean;
  /** Extra HTTP headers. */
  headers?: Record<string, string>;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** A failed request: `status` and `body` are the server's answer when there was one. */
export class RemoteEngineError extends Error {
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly url: string;
  readonly attempts: number;
  constructor(message: string, info: { url: string; attempts: number; status?: number; body?: string; cause?: unknown }) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'RemoteEngineError';
    this.status = info.status;
    this.body = info.body;
    this.url = info.url;
    this.attempts = info.attempts;
  }
}

const RETRYABLE_STATUS = (s: number) => s === 408 || s === 409 || s === 429 || s >= 500;
const MAX_BACKOFF_MS = 30_000;
const BODY_IN_MESSAGE = 2000;

function completionsUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return /\/v\d+$/.test(base) ? `${base}/completions` : `${base}/v1/completions`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function isIdList(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((t) => Number.isInteger(t) && t >= 0);
}

export function createRemoteEngine(opts: RemoteEngineOptions): RolloutEngine {
  const baseUrls = opts && (typeof opts.baseUrl === 'string' || Array.isArray(opts.baseUrl)) ? parseServerList(opts.baseUrl) : [];
  if (baseUrls.length === 0 || baseUrls.some((u) => !/^https?:\/\//.test(u))) {
    throw new TypeError(`createRemoteEngine: baseUrl must be an http(s) URL or a list of them, got ${JSON.stringify(opts?.baseUrl)}`);
  }
  if (typeof opts.model !== 'string' || opts.model.length === 0) throw new TypeError('createRemoteEngine: model is required');
  const concurrency = opts.concurrency ?? 8;
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const retries = opts.retries ?? 3;
  const backoffMs = opts.backoffMs ?? 500;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be an integer >= 0, got ${retries}`);
  if (!(backoffMs >= 0)) throw new RangeError(`backoffMs must be >= 0, got ${backoffMs}`);
  const doFetch = opts.fetch ?? globalThis.fetch;
  const vllm = opts.vllmExtensions ?? true;
  const tokenizer = opts.tokenizer;
  const servers = new ServerPool(baseUrls, {
    perServer: concurrency,
    retryDeadAfterMs: opts.retryDeadAfterMs,
    // one server: its failures are the request's errors, there is nobody to move to
    warn: baseUrls.length > 1 ? opts.warn : () => {},
  });
  const closing = new AbortController();
  const jitter = new Rng(Date.now() >>> 0);

  function requestBody(prompt: string | number[], promptIndex: number, o: NormalizedOptions): Record<string, unknown> {
    const body: Record<string, unknown> = {
      model: opts.model,
      prompt,
      n: o.n,
      max_tokens: o.maxNewTokens,
      temperature: o.temperature,
      top_p: o.topP,
      logprobs: 1,
    };
    // a distinct seed per prompt, so two identical prompts in one call do not get identical samples
    if (o.promptSeeds) body.seed = o.promptSeeds[promptIndex];
    else if (o.seed !== undefined) body.seed = Rng.derive(o.seed, promptIndex).nextSeed();
    if (o.stop.length > 0) body.stop = o.stop;
    if (vllm) {
      if (o.topK > 0) body.top_k = o.topK;
      body.return_token_ids = true;
      body.return_tokens_as_token_ids = true;
      if (o.eosTokenIds !== undefined) {
        if (o.eosTokenIds.length === 0) body.ignore_eos = true;
        else body.stop_token_ids = o.eosTokenIds;
      }
    }
    return body;
  }

  type Attempt =
    | { ok: true; json: unknown; url: string }
    | { ok: false; error: RemoteEngineError; retryAfterMs?: number; serverDown?: boolean };

  /** One POST on a free slot of the least busy server; retryable failures are returned, the others thrown. */
  async function attemptOnce(attempt: number, payload: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Attempt> {
    const lease = await servers.acquire(signal ? AbortSignal.any([signal, closing.signal]) : closing.signal).catch((e) => {
      if (signal?.aborted) throw signal.reason;
      throw new RemoteEngineError(`POST cancelled: the engine was closed`, { url: baseUrls.join(','), attempts: attempt, cause: e });
    });
    let failed: string | null = null;
    try {
      const r = await attemptOn(lease, attempt, payload, headers, signal);
      if (!r.ok && r.serverDown) failed = r.error.message;
      return r;
    } finally {
      if (failed !== null) lease.fail(failed);
      else lease.release();
    }
  }

  async function attemptOn(lease: ServerLease, attempt: number, payload: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Attempt> {
    const url = completionsUrl(lease.baseUrl);
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = AbortSignal.any([timeout, closing.signal, ...(signal ? [signal] : [])]);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, { method: 'POST', headers, body: payload, signal: combined });
      text = await res.text(); // the timeout covers the body too
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (closing.signal.aborted) throw new RemoteEngineError(`POST ${url} cancelled: the engine was closed`, { url, attempts: attempt, cause: e });
      const cause = (e as { cause?: { message?: string } })?.cause?.message;
      const reason = timeout.aborted
        ? `timed out after ${timeoutMs} ms`
        : `network error: ${(e as Error)?.message ?? String(e)}${cause ? ` (${cause})` : ''}`;
      return { ok: false, error: new RemoteEngineError(`POST ${url} ${reason}`, { url, attempts: attempt, cause: e }), serverDown: true };
    }
    if (!res.ok) {
      const error = new RemoteEngineError(`POST ${url} failed with HTTP ${res.status}: ${text.slice(0, BODY_IN_MESSAGE)}`, {
        url, attempts: attempt, status: res.status, body: text,
      });
      if (!RETRYABLE_STATUS(res.status)) throw error;
      const ra = Number(res.headers.get('retry-after') ?? NaN);
      return { ok: false, error, retryAfterMs: Number.isFinite(ra) && ra >= 0 ? Math.min(ra * 1000, MAX_BACKOFF_MS) : undefined };
    }
    try {
      return { ok: true, json: JSON.parse(text), url };
    } catch {
      throw new RemoteEngineError(`malformed response from ${url}: not JSON: ${JSON.stringify(text.slice(0, 200))}`, {
        url, attempts: attempt, status: res.status, body: text,
      });
    }
  }

  /**
   * POST with retries and exponential backoff; returns the parsed JSON and the URL that gave
   * it. A server that fails at the network level while another is alive costs no retry and no
   * wait: the request moves on (at most once per server).
   */
  async function post(body: Record<string, unknown>, signal: AbortSignal | undefined): Promise<{ json: unknown; url: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
    if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
    const payload = JSON.stringify(body);
    let failovers = 0;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const r = await attemptOnce(attempt, payload, headers, signal);
      if (r.ok) return r;
      if (r.serverDown && failovers < servers.size - 1 && servers.aliveCount() > 0) {
        failovers++;
        attempt--;
        continue;
      }
      if (attempt > retries) {
        const e = r.error;
        throw new RemoteEngineError(`${e.message} (gave up after ${attempt} attempt${attempt > 1 ? 's' : ''})`, {
          url: e.url, attempts: attempt, status: e.status, body: e.body, cause: e.cause,
        });
      }
      const delay = r.retryAfterMs ?? Math.min(backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS) * (0.75 + 0.5 * jitter.nextFloat());
      await sleep(delay, signal);
    }
  }

  /** Turns one completions response into the rollouts of one prompt. */
  function parseResponse(json: unknown, url: string, prompt: string | number[], promptIndex: number, n: number): Rollout[] {
    const bad = (why: string) =>
      new RemoteEngineError(`malformed response from ${url}: ${why}`, { url, attempts: 1, body: JSON.stringify(json)?.slice(0, 10_000) });
    if (!isObject(json) || !Array.isArray(json.choices)) throw bad("no 'choices' array");
    if (json.choices.length !== n) throw bad(`expected ${n} choices, got ${json.choices.length}`);
    const choices = [...json.choices].map((c, i) => {
      if (!isObject(c)) throw bad(`choice ${i} is not an object`);
      return c;
    });
    choices.sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0));
    return choices.map((c, i) => {
      if (typeof c.text !== 'string') throw bad(`choice ${i} has no 'text' string`);
      let finishReason: FinishReason;
      if (c.finish_reason === 'length') finishReason = 'length';
      else if (c.finish_reason === 'stop') finishReason = 'stop';
      else throw bad(`choice ${i} has finish_reason ${JSON.stringify(c.finish_reason)} (expected 'stop' or 'length')`);
      const lp = isObject(c.logprobs) ? c.logprobs : undefined;
      // token ids: vLLM's return_token_ids, else "token_id:N" tokens, else re-tokenized text
      let responseIds: number[] | undefined;
      if (isIdList(c.token_ids)) responseIds = c.token_ids;
      else if (lp && Array.isArray(lp.tokens) && lp.tokens.length > 0 && lp.tokens.every((t) => typeof t === 'string' && /^token_id:\d+$/.test(t))) {
        responseIds = (lp.tokens as string[]).map((t) => Number(t.slice(9)));
      } else responseIds = tokenizer ? tokenizer.encode(c.text) : [];
      let logprobs: number[] = [];
      if (lp && lp.token_logprobs !== undefined && lp.token_logprobs !== null) {
        if (!Array.isArray(lp.token_logprobs) || lp.token_logprobs.some((x) => typeof x !== 'number')) {
          throw bad(`choice ${i} has non-numeric logprobs.token_logprobs`);
        }
        logprobs = lp.token_logprobs as number[];
        if (isIdList(c.token_ids) && logprobs.length !== responseIds.length) {
          throw bad(`choice ${i} has ${responseIds.length} token ids but ${logprobs.length} log-probs`);
        }
      }
      const serverPromptIds = isIdList(c.prompt_token_ids) ? c.prompt_token_ids : isIdList(json.prompt_token_ids) ? json.prompt_token_ids : undefined;
      const promptIds = serverPromptIds ?? (typeof prompt === 'string' ? (tokenizer ? tokenizer.encode(prompt) : []) : [...prompt]);
      return { promptIndex, sampleIndex: i, promptIds, responseIds, text: c.text, logprobs, finishReason };
    });
  }

  async function generate(prompts: number[][] | string[], options: GenerateOptions): Promise<Rollout[]> {
    const o = normalizeGenerateOptions(options);
    const list: (string | number[])[] = arePromptIds(prompts) ? prompts : prompts;
    checkPromptSeeds(o, list.length);
    list.forEach((p, i) => {
      if (p.length === 0) throw new RangeError(`prompt ${i} is empty`);
    });
    const progress = { done: 0, total: list.length * o.n, tokens: 0 };
    // the first failure cancels the call's other requests (queued or in flight)
    const failed = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
    const groups = await Promise.all(
      list.map((prompt, promptIndex) =>
        (async () => {
          try {
            const { json, url } = await post(requestBody(prompt, promptIndex, o), signal);
            const rollouts = parseResponse(json, url, prompt, promptIndex, o.n);
            // a request's n responses finish together (no streaming): report them, then the progress
            progress.done += rollouts.length;
            for (const r of rollouts) progress.tokens += r.responseIds.length;
            for (const r of rollouts) options.onRollout?.(r);
            options.onProgress?.({ ...progress });
            return rollouts;
          } catch (e) {
            if (!failed.signal.aborted) failed.abort(e);
            throw e;
          }
        })(),
      ),
    );
    return groups.flat();
  }

  async function close(): Promise<void> {
    closing.abort(new Error('remote engine closed'));
  }

  return { generate, close };
}

// An OpenAI-compatible HTTP server (/v1/completions, /v1/models) over any RolloutEngine, so the
// remote engine, vLLM clients and the OpenAI SDKs can talk to a model served from TypeScript.
// Response shape: OpenAI's legacy completions object, plus vLLM's `token_ids` /
// `prompt_token_ids` when `return_token_ids` is set.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Tokenizer } from '@verl-ts/models';
import { DEFAULT_LIMITS, parseCompletionRequest, RequestError, type CompletionRequest, type CompletionsLimits } from './completion-request.js';
import type { Rollout, RolloutEngine } from './types.js';
import { Rng } from './rng.js';
import { RequestScheduler } from './request-scheduler.js';

export interface CompletionsServerOptions {
  engine: RolloutEngine;
  tokenizer: Tokenizer;
  /** The id clients pass as `model` and /v1/models lists. */
  modelName: string;
  limits?: Partial<CompletionsLimits>;
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, type: string, param: string | null = null, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { message, type, param, code: status } }, headers);
}

/** Reads the body, refusing more than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new RequestError(`request body of ${declared} bytes exceeds the limit of ${limit}`, 413));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new RequestError(`request body exceeds the limit of ${limit} bytes`, 413));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function choiceOf(r: Rollout, index: number, req: CompletionRequest, tokenizer: Tokenizer) {
  let logprobs: unknown = null;
  if (req.logprobs !== null) {
    const tokens = r.responseIds.map((id) => (req.tokensAsTokenIds ? `token_id:${id}` : tokenizer.decode([id], { skipSpecialTokens: false })));
    const textOffset: number[] = [];
    let offset = 0;
    for (const t of tokens) {
      textOffset.push(offset);
      offset += t.length;
    }
    logprobs = {
      tokens,
      token_logprobs: r.logprobs,
      // the engine reports the sampled token only, so each list holds just that token
      top_logprobs: req.logprobs > 0 ? tokens.map((t, i) => ({ [t]: r.logprobs[i] })) : null,
      text_offset: textOffset,
    };
  }
  return {
    index,
    text: r.text,
    logprobs,
    finish_reason: r.finishReason,
    stop_reason: null,
    ...(req.returnTokenIds ? { token_ids: r.responseIds, prompt_token_ids: r.promptIds } : {}),
  };
}

export function createCompletionsServer(opts: CompletionsServerOptions): Server {
  const { engine, tokenizer, modelName } = opts;
  const limits: CompletionsLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const scheduler = new RequestScheduler(engine, limits);
  const seeds = new Rng(randomBytes(4).readUInt32LE(0));
  const created = Math.floor(Date.now() / 1000);

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, limits.maxBodyBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (e) {
      throw new RequestError(`request body is not valid JSON: ${(e as Error).message}`);
    }
    const r = parseCompletionRequest(body, tokenizer, modelName, limits);
    // a client that hangs up (e.g. its timeout fired) stops the generation
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client closed the connection'));
    });
    // one seed per prompt, so the scheduler can merge requests without changing outputs
    const seed = r.seed ?? seeds.nextSeed();
    const promptSeeds = r.prompts.map((_, j) => Rng.derive(seed, j).nextSeed());
    const rollouts = await scheduler.submit(r, promptSeeds, abort.signal);
    if (rollouts.length !== r.prompts.length * r.n) throw new Error(`engine returned ${rollouts.length} rollouts for ${r.prompts.length} prompts × n=${r.n}`);
    const completionTokens = rollouts.reduce((a, x) => a + x.responseIds.length, 0);
    const promptTokens = r.prompts.reduce((a, p) => a + p.length, 0);
    sendJson(res, 200, {
      id: `cmpl-${randomBytes(12).toString('hex')}`,
      object: 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: modelName,
      choices: rollouts.map((x, i) => choiceOf(x, i, r, tokenizer)),
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      sendError(res, 401, 'missing or wrong API key (Authorization: Bearer <key>)', 'authentication_error');
      return;
    }
    if (path === '/v1/models' || path === '/health') {
      if (req.method !== 'GET') return sendError(res, 405, `${req.method} not allowed on ${path}`, 'invalid_request_error');
      if (path === '/health') return sendJson(res, 200, { status: 'ok' });
      return sendJson(res, 200, { object: 'list', data: [{ id: modelName, object: 'model', created, owned_by: 'verl-ts', max_model_len: null }] });
    }
    if (path === '/v1/completions') {
      if (req.method !== 'POST') return sendError(res, 405, `${req.method} not allowed on ${path}; use POST`, 'invalid_request_error');
      return completions(req, res);
    }
    sendError(res, 404, `no route ${req.method} ${path} (this server has POST /v1/completions, GET /v1/models)`, 'NotFoundError');
  }

  return createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof RequestError) {
        const headers: Record<string, string> = e.status === 429 ? { 'retry-after': '1' } : {};
        if (e.status === 413) headers.connection = 'close';
        sendError(res, e.status, e.message, e.type, e.param, headers);
      } else if (e instanceof RangeError || e instanceof TypeError) {
        sendError(res, 400, e.message, 'invalid_request_error'); // bad input caught by the engine
      } else {
        sendError(res, 500, `generation failed: ${(e as Error)?.message ?? String(e)}`, 'internal_server_error');
      }
    });
  });
}

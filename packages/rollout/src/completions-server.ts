// An OpenAI-compatible HTTP server (/v1/completions, /v1/chat/completions, /v1/models) over any
// RolloutEngine, so the remote engine, vLLM clients, the OpenAI SDKs, chat UIs and evaluation
// harnesses can talk to a model served from TypeScript. Behaves like vLLM's OpenAI server:
// errors as `{error: {message, type, param, code}}`, a 400 naming max_model_len when prompt +
// max_tokens exceed the model's context, `stream: true` as server-sent events.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { CausalLM, Tokenizer } from '@verl-ts/models';
import { parseCompletionRequest, type CompletionRequest } from './completion-request.js';
import { parseChatRequest, tokenizerChatRenderer, type ChatRenderer } from './chat-request.js';
import { DEFAULT_LIMITS, errorBody, RequestError, type CompletionsLimits } from './request-error.js';
import { readBody } from './request-body.js';
import { fullChoice, objectName, responseId, usageOf, type Endpoint } from './response-format.js';
import { streamResponse } from './stream-response.js';
import type { Rollout, RolloutEngine } from './types.js';
import { Rng } from '@verl-ts/prng';
import { modelContextLength } from './context-length.js';
import { RequestScheduler, type GenerationHooks } from './request-scheduler.js';

export interface CompletionsServerOptions {
  engine: RolloutEngine;
  tokenizer: Tokenizer;
  /** The id clients pass as `model` and /v1/models lists. */
  modelName: string;
  limits?: Partial<CompletionsLimits>;
  /** When set, requests need `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /**
   * The model's context in tokens (vLLM's max_model_len): every prompt + max_tokens must fit.
   * Default: the local engine's model's context (`modelContextLength`); null turns the check off.
   */
  maxModelLen?: number | null;
  /** Renders chat messages for /v1/chat/completions. Default: the tokenizer's chat template. */
  chatTemplate?: ChatRenderer;
}

const ROUTES = 'POST /v1/completions, POST /v1/chat/completions, GET /v1/models, GET /health';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, type: string, param: string | null = null, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { message, type, param, code: status } }, headers);
}

/** The context length of a local engine's model, if the engine has one. */
function engineContext(engine: RolloutEngine): number | null {
  const config = (engine as { model?: Partial<CausalLM> }).model?.config;
  return config && config.maxPositionEmbeddings > 0 ? modelContextLength(config) : null;
}

export function createCompletionsServer(opts: CompletionsServerOptions): Server {
  const { engine, tokenizer, modelName } = opts;
  const limits: CompletionsLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const maxModelLen = opts.maxModelLen === undefined ? engineContext(engine) : opts.maxModelLen;
  if (maxModelLen !== null && !(Number.isInteger(maxModelLen) && maxModelLen > 1)) throw new RangeError(`maxModelLen must be an integer > 1, got ${maxModelLen}`);
  const chat = opts.chatTemplate ?? tokenizerChatRenderer(tokenizer);
  const scheduler = new RequestScheduler(engine, limits);
  const seeds = new Rng(randomBytes(4).readUInt32LE(0));
  const created = Math.floor(Date.now() / 1000);

  async function generation(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, limits.maxBodyBytes, limits.maxDiscardBytes);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (e) {
      throw new RequestError(`request body is not valid JSON: ${(e as Error).message}`);
    }
    const r: CompletionRequest =
      endpoint === 'chat'
        ? parseChatRequest(body, tokenizer, chat, modelName, limits, maxModelLen)
        : parseCompletionRequest(body, tokenizer, modelName, limits, maxModelLen);
    // a client that hangs up (e.g. its timeout fired) stops the generation
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('client closed the connection'));
    });
    // one seed per prompt, so the scheduler can merge requests without changing outputs
    const seed = r.seed ?? seeds.nextSeed();
    const promptSeeds = r.prompts.map((_, j) => Rng.derive(seed, j).nextSeed());
    const generate = (hooks?: GenerationHooks) => scheduler.submit(r, promptSeeds, abort.signal, hooks);
    if (r.stream) return streamResponse(res, { endpoint, req: r, tokenizer, modelName, generate });

    const rollouts: Rollout[] = await generate();
    if (rollouts.length !== r.prompts.length * r.n) throw new Error(`engine returned ${rollouts.length} rollouts for ${r.prompts.length} prompts × n=${r.n}`);
    sendJson(res, 200, {
      id: responseId(endpoint),
      object: objectName(endpoint, false),
      created: Math.floor(Date.now() / 1000),
      model: modelName,
      choices: rollouts.map((x, i) => fullChoice(endpoint, x, i, r, tokenizer)),
      usage: usageOf(r, rollouts),
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
      return sendJson(res, 200, { object: 'list', data: [{ id: modelName, object: 'model', created, owned_by: 'verl-ts', root: modelName, max_model_len: maxModelLen }] });
    }
    const endpoint: Endpoint | undefined = path === '/v1/completions' ? 'completions' : path === '/v1/chat/completions' ? 'chat' : undefined;
    if (endpoint) {
      if (req.method !== 'POST') return sendError(res, 405, `${req.method} not allowed on ${path}; use POST`, 'invalid_request_error');
      return generation(endpoint, req, res);
    }
    sendError(res, 404, `no route ${req.method} ${path} (this server has ${ROUTES})`, 'NotFoundError');
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      const err = errorBody(e);
      const headers: Record<string, string> = err.code === 429 ? { 'retry-after': '1' } : {};
      if (e instanceof RequestError && e.closeConnection) headers.connection = 'close';
      sendError(res, err.code, err.message, err.type, err.param, headers);
    });
  };
  const server = createServer(onRequest);
  // `Expect: 100-continue` (curl sends it for large bodies): refuse an oversized body before the
  // client uploads it, instead of reading and discarding it
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
      sendError(res, 413, `request body of ${declared} bytes exceeds the limit of ${limits.maxBodyBytes} bytes`, 'invalid_request_error', null, { connection: 'close' });
      return;
    }
    res.writeContinue();
    onRequest(req, res);
  });
  return server;
}

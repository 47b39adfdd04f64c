// The 4xx answers of the completions server, and the limits it enforces.

/** A 4xx answer: HTTP status, OpenAI error type and the offending parameter. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly param: string | null = null,
    readonly type = status === 404 ? 'NotFoundError' : 'invalid_request_error',
    /** Close the connection after answering (the request body was not read to its end). */
    readonly closeConnection = false,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface CompletionsLimits {
  /** Largest accepted request body. Default 1 MiB. */
  maxBodyBytes: number;
  /**
   * A larger body is still read (and thrown away) up to this many bytes before the 413 goes out,
   * so a client that is still uploading receives the 413 instead of a reset connection; beyond
   * it the server answers and closes the connection. Default 64 MiB.
   */
  maxDiscardBytes: number;
  /** Largest `n`. Default 64. */
  maxN: number;
  /** Largest `max_tokens`. Default 4096. */
  maxTokens: number;
  /** Longest prompt in tokens. Default 8192. */
  maxPromptTokens: number;
  /** Most prompts in one request (a batched `prompt` array). Default 256. */
  maxPrompts: number;
  /** Most stop strings. Default 16. */
  maxStop: number;
  /** Most chat messages in one request. Default 1024. */
  maxMessages: number;
  /** Requests generating at the same time; the rest wait in a queue. Default 1. */
  maxConcurrent: number;
  /** Requests allowed to wait; beyond that the server answers 429. Default 256. */
  maxQueued: number;
  /** Waiting requests with equal settings are merged into one engine call of at most this many sequences (prompts × n). Default 256. */
  maxMergedSequences: number;
}

export const DEFAULT_LIMITS: CompletionsLimits = {
  maxBodyBytes: 1 << 20,
  maxDiscardBytes: 64 << 20,
  maxN: 64,
  maxTokens: 4096,
  maxPromptTokens: 8192,
  maxPrompts: 256,
  maxStop: 16,
  maxMessages: 1024,
  maxConcurrent: 1,
  maxQueued: 256,
  maxMergedSequences: 256,
};

/** The `error` object of an OpenAI / vLLM error response. */
export interface ErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: number;
}

/** How a failure is reported: RequestError as itself, bad input found by the engine as 400, anything else as 500. */
export function errorBody(e: unknown): ErrorBody {
  if (e instanceof RequestError) return { message: e.message, type: e.type, param: e.param, code: e.status };
  if (e instanceof RangeError || e instanceof TypeError) return { message: e.message, type: 'invalid_request_error', param: null, code: 400 };
  return { message: `generation failed: ${(e as Error)?.message ?? String(e)}`, type: 'internal_server_error', param: null, code: 500 };
}

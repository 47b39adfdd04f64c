// Runs completion requests on one engine: at most `maxConcurrent` generate calls at a time, the
// rest queued (at most `maxQueued`). Queued requests with the same generation settings are
// merged into one generate call, so concurrent one-prompt requests (what the remote engine
// sends) are decoded as one batch. Each request carries one seed per prompt (`promptSeeds`), so
// merging does not change any output.
import { RequestError, type CompletionRequest } from './completion-request.js';
import type { GenerateOptions, GeneratedToken, Rollout, RolloutEngine } from './types.js';

/** Streaming callbacks of one request, with its own prompt indices. */
export type GenerationHooks = Pick<GenerateOptions, 'onToken' | 'onRollout'>;

export interface SchedulerLimits {
  maxConcurrent: number;
  maxQueued: number;
  /** Most sequences (prompts × n) in one merged call. */
  maxMergedSequences: number;
}

interface Job {
  request: CompletionRequest;
  promptSeeds: number[];
  signal: AbortSignal;
  /** this request's tokens and responses as they come (prompt indices local to the request) */
  hooks: GenerationHooks;
  key: string;
  resolve(r: Rollout[]): void;
  reject(e: unknown): void;
}

/** Requests can share a call when everything but their prompts and seeds is equal. */
function mergeKey(r: CompletionRequest): string {
  return JSON.stringify([r.n, r.maxTokens, r.temperature, r.topP, r.topK, r.stop, r.eosTokenIds ?? null]);
}

export class RequestScheduler {
  private queue: Job[] = [];
  private running = 0;

  constructor(
    private readonly engine: RolloutEngine,
    private readonly limits: SchedulerLimits,
  ) {}

  /** Resolves with the request's rollouts (prompt indices local to the request). */
  submit(request: CompletionRequest, promptSeeds: number[], signal: AbortSignal, hooks: GenerationHooks = {}): Promise<Rollout[]> {
    if (this.running >= this.limits.maxConcurrent && this.queue.length >= this.limits.maxQueued) {
      return Promise.reject(new RequestError('the server is busy; retry later', 429, null, 'rate_limit_error'));
    }
    return new Promise<Rollout[]>((resolve, reject) => {
      const job: Job = { request, promptSeeds, signal, hooks, key: mergeKey(request), resolve, reject };
      this.queue.push(job);
      signal.addEventListener('abort', () => {
        const i = this.queue.indexOf(job);
        if (i >= 0) {
          this.queue.splice(i, 1); // not started: just drop it
          reject(signal.reason);
        }
      }, { once: true });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.limits.maxConcurrent && this.queue.length > 0) {
      const first = this.queue.shift()!;
      const batch = [first];
      let sequences = first.request.prompts.length * first.request.n;
      for (let i = 0; i < this.queue.length; ) {
        const j = this.queue[i];
        const size = j.request.prompts.length * j.request.n;
        if (j.key === first.key && sequences + size <= this.limits.maxMergedSequences) {
          batch.push(j);
          sequences += size;
          this.queue.splice(i, 1);
        } else i++;
      }
      this.running++;
      this.runBatch(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async runBatch(batch: Job[]): Promise<void> {
    try {
      const results = await this.generate(batch);
      batch.forEach((job, i) => job.resolve(results[i]));
    } catch (e) {
      // one bad request must not fail the others merged with it: run them one by one
      if (batch.length > 1 && (e instanceof RangeError || e instanceof TypeError)) {
        for (const job of batch) {
          try {
            job.resolve((await this.generate([job]))[0]);
          } catch (err) {
            job.reject(err);
          }
        }
      } else {
        for (const job of batch) job.reject(e);
      }
    }
  }

  /** One engine call for the jobs; aborted only when every job's client has gone. */
  private async generate(batch: Job[]): Promise<Rollout[][]> {
    const r = batch[0].request;
    const abort = new AbortController();
    const live = batch.filter((j) => !j.signal.aborted);
    if (live.length === 0) throw batch[0].signal.reason;
    for (const j of live) {
      j.signal.addEventListener('abort', () => {
        if (live.every((x) => x.signal.aborted)) abort.abort(j.signal.reason);
      }, { once: true });
    }
    // global prompt index -> the job that owns it and the job's first global index
    const owner: { job: Job; offset: number }[] = [];
    for (const job of batch) {
      const offset = owner.length;
      for (let k = 0; k < job.request.prompts.length; k++) owner.push({ job, offset });
    }
    const route = <T extends { promptIndex: number }>(x: T, call: (h: GenerationHooks, local: T) => void) => {
      const o = owner[x.promptIndex];
      if (o && !o.job.signal.aborted) call(o.job.hooks, { ...x, promptIndex: x.promptIndex - o.offset });
    };
    const onToken = batch.some((j) => j.hooks.onToken) ? (t: GeneratedToken) => route(t, (h, local) => h.onToken?.(local)) : undefined;
    const onRollout = batch.some((j) => j.hooks.onRollout) ? (r: Rollout) => route(r, (h, local) => h.onRollout?.(local)) : undefined;
    const rollouts = await this.engine.generate(batch.flatMap((j) => j.request.prompts), {
      n: r.n,
      maxNewTokens: r.maxTokens,
      temperature: r.temperature,
      topP: r.topP,
      topK: r.topK,
      promptSeeds: batch.flatMap((j) => j.promptSeeds),
      stop: r.stop,
      eosTokenIds: r.eosTokenIds,
      onToken,
      onRollout,
      signal: abort.signal,
    });
    const total = batch.reduce((a, j) => a + j.request.prompts.length, 0) * r.n;
    if (rollouts.length !== total) throw new Error(`engine returned ${rollouts.length} rollouts for ${total} requested`);
    const out: Rollout[][] = [];
    let offset = 0;
    for (const j of batch) {
      const m = j.request.prompts.length;
      out.push(rollouts.slice(offset * r.n, (offset + m) * r.n).map((x) => ({ ...x, promptIndex: x.promptIndex - offset })));
      offset += m;
    }
    return out;
  }
}

// Several OpenAI-compatible servers behind one remote engine (`--remote URL1,URL2,…`). Each
// request goes to the least busy server that is alive: the one with the fewest requests in
// flight, up to `perServer` each; the caller waits for a free slot otherwise. A server that
// fails at the network level (refused, reset, timed out) is marked dead, reported once with
// a warning and skipped for `retryDeadAfterMs`, after which it is tried again (a restarted
// server rejoins). When every server is dead the one that died first is tried anyway, so the
// engine's retry policy, not the pool, decides when to give up.

export interface ServerPoolOptions {
  /** Requests in flight at once on one server. */
  perServer: number;
  /** How long a dead server is skipped. Default 30 000 ms. */
  retryDeadAfterMs?: number;
  /** Where the warnings go. Default console.warn. */
  warn?: (message: string) => void;
  /** The clock (tests). */
  now?: () => number;
}

interface Server {
  baseUrl: string;
  inFlight: number;
  /** Skipped until this time (0: alive). */
  deadUntil: number;
  /** Requests finished on this server (for stats). */
  served: number;
}

/** A slot on one server, held for one HTTP attempt. */
export interface ServerLease {
  readonly baseUrl: string;
  /** The attempt is over (any outcome but a network failure). */
  release(): void;
  /** The server failed at the network level: it is marked dead, then the slot is released. */
  fail(reason: string): void;
}

/** Splits `--remote` values: comma-separated URLs, spaces ignored, empty items dropped. */
export function parseServerList(value: string | readonly string[]): string[] {
  const items = typeof value === 'string' ? value.split(',') : value.flatMap((v) => v.split(','));
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

export class ServerPool {
  private readonly servers: Server[];
  private readonly waiting: (() => void)[] = [];
  private readonly perServer: number;
  private readonly retryDeadAfterMs: number;
  private readonly warn: (message: string) => void;
  private readonly now: () => number;

  constructor(baseUrls: readonly string[], opts: ServerPoolOptions) {
    if (baseUrls.length === 0) throw new RangeError('ServerPool: at least one server URL is required');
    const dup = baseUrls.find((u, i) => baseUrls.indexOf(u) !== i);
    if (dup) throw new RangeError(`ServerPool: server ${dup} is listed twice`);
    if (!Number.isInteger(opts.perServer) || opts.perServer < 1) throw new RangeError(`perServer must be an integer >= 1, got ${opts.perServer}`);
    this.servers = baseUrls.map((baseUrl) => ({ baseUrl, inFlight: 0, deadUntil: 0, served: 0 }));
    this.perServer = opts.perServer;
    this.retryDeadAfterMs = opts.retryDeadAfterMs ?? 30_000;
    this.warn = opts.warn ?? ((m) => console.warn(m));
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.servers.length;
  }

  /** Servers not marked dead now. */
  aliveCount(): number {
    const now = this.now();
    return this.servers.filter((s) => s.deadUntil <= now).length;
  }

  /** Per server: requests in flight, finished, and whether it is skipped now. */
  stats(): { baseUrl: string; inFlight: number; served: number; dead: boolean }[] {
    const now = this.now();
    return this.servers.map((s) => ({ baseUrl: s.baseUrl, inFlight: s.inFlight, served: s.served, dead: s.deadUntil > now }));
  }

  /** Waits for a free slot on the least busy live server (or on the server dead the longest). */
  async acquire(signal?: AbortSignal): Promise<ServerLease> {
    for (;;) {
      signal?.throwIfAborted();
      const server = this.pick();
      if (server) return this.lease(server);
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const k = this.waiting.indexOf(wake);
          if (k >= 0) this.waiting.splice(k, 1);
          reject(signal!.reason);
        };
        this.waiting.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  private pick(): Server | undefined {
    const now = this.now();
    const alive = this.servers.filter((s) => s.deadUntil <= now);
    // all dead: try again the one that has been dead the longest rather than fail here
    const candidates = alive.length > 0 ? alive : [...this.servers].sort((a, b) => a.deadUntil - b.deadUntil).slice(0, 1);
    let best: Server | undefined;
    for (const s of candidates) if (s.inFlight < this.perServer && (!best || s.inFlight < best.inFlight)) best = s;
    return best;
  }

  private lease(server: Server): ServerLease {
    server.inFlight++;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      server.inFlight--;
      server.served++;
      // every waiter looks again: a slot is free, or a dead server has become the fallback
      for (const wake of this.waiting.splice(0)) wake();
    };
    return {
      baseUrl: server.baseUrl,
      release,
      fail: (reason: string) => {
        const now = this.now();
        if (server.deadUntil <= now) {
          const others = this.servers.filter((s) => s !== server && s.deadUntil <= now).length;
          this.warn(
            `remote server ${server.baseUrl} failed (${reason}): skipped for ${Math.round(this.retryDeadAfterMs / 1000)} s` +
              (others > 0 ? `, requests go to the other ${others} server${others > 1 ? 's' : ''}` : '; no other server is alive'),
          );
        }
        server.deadUntil = now + this.retryDeadAfterMs;
        release();
      },
    };
  }
}

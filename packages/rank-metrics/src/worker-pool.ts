// A persistent pool of worker threads for the batch functions (batch.ts). Workers load the
// package's built module dist/batch-worker.js: from dist/ it sits beside this file, while
// tests run this file from src/ (TypeScript, which a worker cannot load), so ../dist/ is
// looked up next. Without a built worker module the batch is computed in the calling
// thread (same results) with a one-time warning.
//
// Workers are unref'd, so an idle pool never keeps the process alive, and are started on
// first use and kept for the next batch (starting one costs tens of milliseconds).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CLAIMED, claimLoop, DONE, finishJob, FINISHED, jobSize, STATUS, type SharedJob } from './shared-job.js';
import type { ResponseRankMetrics } from './response-metrics.js';

/** Worker threads used by default: one per available core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** A worker that computes nothing for this long while others wait on it is given up on. */
const MIN_STALL_MS = 30_000;
/** ... or for this many times the longest response the calling thread computed. */
const STALL_FACTOR = 10;
/** Workers that die before they are ready, in a row, after which the pool stops starting them. */
const MAX_START_FAILURES = 3;

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Called with the id of each job the worker reports done, and with -1 when it exits. */
  waiters: Map<number, () => void>;
}

export interface PoolStats {
  /** Workers started so far (including replacements). */
  spawned: number;
  /** Workers alive now. */
  alive: number;
  /** Batches run with workers. */
  jobs: number;
  /** Responses computed by workers. */
  byWorkers: number;
  /** Responses computed by the calling thread of a synchronous batch, as one of its threads. */
  byCaller: number;
  /** Responses the calling thread computed because workers died, stalled or could not start. */
  recomputed: number;
}

function workerModule(): URL | null {
  for (const rel of ['./batch-worker.js', '../dist/batch-worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

export class RankMetricsPool {
  private slots: Slot[] = [];
  private nextJob = 1;
  private startFailures = 0;
  private disabled: string | null = null;
  private warned = false;
  readonly stats: PoolStats = { spawned: 0, alive: 0, jobs: 0, byWorkers: 0, byCaller: 0, recomputed: 0 };

  /** A fresh job id (jobs are matched to the workers' 'done' messages by it). */
  jobId(): number {
    return this.nextJob++;
  }

  /** Up to `n` live workers, starting the missing ones; none when workers are unavailable. */
  private take(n: number): Slot[] {
    if (n <= 0) return [];
    if (this.disabled === null && this.startFailures >= MAX_START_FAILURES) {
      this.disabled = `${MAX_START_FAILURES} workers in a row failed to start`;
    }
    const url = this.disabled === null ? workerModule() : null;
    if (!url) {
      if (this.disabled === null) this.disabled = 'dist/batch-worker.js is not built (pnpm --filter @verl-ts/rank-metrics build)';
      if (!this.warned) {
        this.warned = true;
        console.warn(`@verl-ts/rank-metrics: computing in one thread: ${this.disabled}`);
      }
      return [];
    }
    while (this.slots.length < n) this.slots.push(this.spawn(url));
    return this.slots.slice(0, n);
  }

  private spawn(url: URL): Slot {
    const worker = new Worker(url, {
      // A host started with --input-type=module (`node --input-type=module -e …`) hands that flag
      // down, and a worker started from a file refuses it.
      execArgv: process.execArgv.filter((a) => !/^--(input-type|experimental-default-type)\b/.test(a)),
    });
    const slot: Slot = { worker, ready: false, waiters: new Map() };
    this.stats.spawned++;
    this.stats.alive++;
    worker.on('message', (m: { ready?: boolean; id?: number; done?: boolean }) => {
      if (m.ready) {
        slot.ready = true;
        this.startFailures = 0;
      } else if (m.done && m.id !== undefined) {
        slot.waiters.get(m.id)?.();
        slot.waiters.delete(m.id);
      }
    });
    worker.on('error', () => {
      /* reported through 'exit' */
    });
    worker.once('exit', () => {
      this.stats.alive--;
      if (!slot.ready) this.startFailures++;
      this.slots = this.slots.filter((s) => s !== slot);
      for (const w of slot.waiters.values()) w();
      slot.waiters.clear();
    });
    // After the listeners: adding a 'message' listener refs the worker's port again, and a
    // ref'd port kept every process that computed rank metrics alive after its work was done.
    worker.unref();
    return slot;
  }

  /**
   * Runs a job on `threads` threads: the calling thread and threads - 1 workers. The caller
   * blocks (Atomics.wait) until the workers have finished the responses they took; a worker
   * that makes no progress for a long time is given up on and its response computed here.
   */
  runSync(job: SharedJob, threads: number): ResponseRankMetrics[] {
    const slots = this.take(Math.min(threads, jobSize(job)) - 1);
    if (slots.length > 0) this.stats.jobs++;
    for (const s of slots) s.worker.postMessage(job);
    const mine = claimLoop(job);
    const ctl = new Int32Array(job.ctl);
    const n = jobSize(job);
    const stallMs = Math.max(MIN_STALL_MS, STALL_FACTOR * mine.longestMs);
    let seen = Atomics.load(ctl, DONE);
    let lastProgress = performance.now();
    while (seen < n && performance.now() - lastProgress < stallMs) {
      Atomics.wait(ctl, DONE, seen, 100);
      const now = Atomics.load(ctl, DONE);
      if (now !== seen) {
        seen = now;
        lastProgress = performance.now();
      }
    }
    this.stats.byCaller += mine.count;
    return this.finish(job, mine.count);
  }

  /** Runs a job on `threads` workers; the calling thread stays free until they are done. */
  async runAsync(job: SharedJob, threads: number): Promise<ResponseRankMetrics[]> {
    const slots = this.take(Math.min(threads, jobSize(job)));
    if (slots.length > 0) {
      this.stats.jobs++;
      // the workers are unref'd: keep the process alive while they work for us
      const keepAlive = setInterval(() => {}, 1 << 30);
      try {
        await Promise.all(
          slots.map(
            (s) =>
              new Promise<void>((resolve) => {
                s.waiters.set(job.id, resolve);
                s.worker.postMessage(job);
              }),
          ),
        );
      } finally {
        clearInterval(keepAlive);
      }
    }
    // every worker has finished or exited: whatever is left (all of it without workers) is done here
    const left = claimLoop(job);
    this.stats.recomputed += left.count;
    return this.finish(job, left.count);
  }

  /** Counts who computed what, then lets the caller finish what the workers left. */
  private finish(job: SharedJob, byCaller: number): ResponseRankMetrics[] {
    const ctl = new Int32Array(job.ctl);
    let unfinished = 0;
    let abandoned = 0;
    for (let i = 0; i < jobSize(job); i++) {
      const status = Atomics.load(ctl, STATUS + i);
      if (status !== FINISHED) unfinished++;
      if (status === CLAIMED) abandoned++; // a worker took it and died or stalled
    }
    this.stats.byWorkers += jobSize(job) - byCaller - unfinished;
    this.stats.recomputed += abandoned;
    return finishJob(job);
  }

  /** Stops every worker (they are started again on the next batch). */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** The pool the batch functions use. */
export const rankMetricsPool = new RankMetricsPool();

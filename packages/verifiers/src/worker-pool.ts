// A small persistent pool of CAS workers (node:worker_threads). Each job has a deadline; a
// worker that overruns it is terminated (the only way to stop a runaway computation) and
// re-spawned on the next job. Workers are unref'd while idle, so an idle pool never keeps
// the process alive; a job in flight holds a ref'd timer until it settles.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { WORKER_SOURCE } from './worker-source.js';

export interface CasPair {
  a: string;
  b: string;
  mode: 'equal' | 'proportional';
}
export interface CasJob {
  pairs: CasPair[];
  points: Record<string, number>[];
  /** points from this index on only count where both sides are real (default: none) */
  lenientFrom?: number;
}
/** `startupMs`: time the job waited (queue, mathjs start-up) before its limit started to run. */
export type CasResult = ({ ok: true; results: boolean[] } | { ok: false; reason: string }) & { startupMs?: number };

/** How long a fresh worker may take to load mathjs. */
const STARTUP_LIMIT_MS = 60_000;

let mathjsPath: string | null = null;
function resolveMathjs(): string {
  // Resolved here, in the main thread, relative to this module (src/ under vitest, dist/ when
  // built), and handed to the eval'd worker as an absolute path.
  if (!mathjsPath) mathjsPath = createRequire(import.meta.url).resolve('mathjs');
  return mathjsPath;
}

interface Task {
  job: CasJob;
  /** compute time allowed once a worker runs it */
  budgetMs: number;
  enqueuedAt: number;
  resolve: (r: CasResult) => void;
  settled: boolean;
  queueTimer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker | null;
  ready: Promise<void> | null;
  busy: boolean;
}

export class CasPool {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  /** Number of workers terminated for overrunning a deadline (for tests and stats). */
  kills = 0;
  spawns = 0;
  /** Number of jobs submitted. */
  jobs = 0;
  /** How long a job may wait in the queue (behind other jobs or a loading worker). */
  readonly queueLimitMs: number;

  constructor(size = 2, opts: { queueLimitMs?: number } = {}) {
    this.queueLimitMs = opts.queueLimitMs ?? 120_000;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`CasPool size must be a positive integer, got ${size}`);
    this.slots = Array.from({ length: size }, () => ({ worker: null, ready: null, busy: false }));
  }

  /**
   * Runs a job with `timeoutMs` of compute time, counted from the moment a ready worker takes
   * it: time spent queued behind other checks or waiting for a worker to load mathjs is not the
   * check's fault and is reported back as `startupMs` so callers can extend their own deadline.
   * A job still queued after `queueLimitMs` fails. Resolves (never rejects).
   */
  run(job: CasJob, timeoutMs: number): Promise<CasResult> {
    this.jobs++;
    return new Promise((resolve) => {
      const task: Task = { job, budgetMs: timeoutMs, enqueuedAt: Date.now(), resolve, settled: false };
      task.queueTimer = setTimeout(() => {
        const k = this.queue.indexOf(task);
        if (k < 0) return;
        this.queue.splice(k, 1);
        this.settle(task, { ok: false, reason: `timeout: queued for more than ${this.queueLimitMs} ms`, startupMs: Date.now() - task.enqueuedAt });
      }, this.queueLimitMs);
      this.queue.push(task);
      this.pump();
    });
  }

  /** Starts the workers now (loading mathjs takes a moment), e.g. before a training loop. */
  async warmup(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.ensureWorker(s)));
  }

  /** Terminates all workers; the pool can still be used afterwards (workers re-spawn). */
  async close(): Promise<void> {
    const ws = this.slots.map((s) => s.worker).filter((w): w is Worker => !!w);
    for (const s of this.slots) {
      s.worker = null;
      s.ready = null;
      s.busy = false;
    }
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private settle(task: Task, r: CasResult): void {
    if (task.settled) return;
    task.settled = true;
    if (task.queueTimer) clearTimeout(task.queueTimer);
    task.resolve(r);
  }

  private ensureWorker(slot: Slot): Promise<void> {
    if (slot.worker && slot.ready) return slot.ready;
    // a memory cap keeps a runaway computation from growing the training process
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // The source is CommonJS: a host started with --input-type=module (`node --input-type=module
      // -e …`) would hand that flag down and every worker would fail to start.
      execArgv: process.execArgv.filter((a) => !/^--(input-type|experimental-default-type)\b/.test(a)),
      workerData: { mathjsPath: resolveMathjs() },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    this.spawns++;
    worker.unref();
    slot.worker = worker;
    const ready = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('CAS worker did not start')), STARTUP_LIMIT_MS);
      t.unref();
      const onMsg = (m: { ready?: boolean; fatal?: string }) => {
        if (m.ready) {
          clearTimeout(t);
          worker.off('message', onMsg);
          resolve();
        } else if (m.fatal) {
          clearTimeout(t);
          reject(new Error(`CAS worker failed to start: ${m.fatal}`));
        }
      };
      worker.on('message', onMsg);
      worker.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
    slot.ready = ready;
    worker.once('exit', () => {
      if (slot.worker === worker) {
        slot.worker = null;
        slot.ready = null;
      }
    });
    worker.on('error', () => {
      /* handled through exit */
    });
    return slot.ready;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      this.start(slot, task);
    }
  }

  private start(slot: Slot, task: Task): void {
    slot.busy = true;
    // keep the process alive while a job is in flight
    const keepAlive = setInterval(() => {}, 1 << 30);
    const done = () => {
      clearInterval(keepAlive);
      slot.busy = false;
      this.pump();
    };
    this.ensureWorker(slot).then(
      () => {
        const worker = slot.worker!;
        if (task.queueTimer) clearTimeout(task.queueTimer);
        // waiting (queue, mathjs start-up) is not part of the check's limit
        const startupMs = Date.now() - task.enqueuedAt;
        const remaining = task.budgetMs;
        if (task.settled) return done();
        const id = this.nextId++;
        const timer = setTimeout(() => {
          worker.off('message', onMsg);
          worker.off('exit', onExit);
          this.kills++;
          slot.worker = null;
          slot.ready = null;
          void worker.terminate();
          // start the replacement now so that it is loading mathjs while the caller moves on
          this.ensureWorker(slot).catch(() => {});
          this.settle(task, { ok: false, reason: `timeout: CAS check exceeded its time limit`, startupMs });
          done();
        }, remaining);
        const onMsg = (m: { id?: number; results?: boolean[]; error?: string }) => {
          if (m.id !== id) return;
          clearTimeout(timer);
          worker.off('message', onMsg);
          worker.off('exit', onExit);
          this.settle(task, m.results ? { ok: true, results: m.results, startupMs } : { ok: false, reason: `CAS error: ${m.error}`, startupMs });
          done();
        };
        // a worker that dies mid-job (out of memory, crash) fails the job at once
        const onExit = (code: number) => {
          clearTimeout(timer);
          worker.off('message', onMsg);
          this.settle(task, { ok: false, reason: `CAS error: worker exited with code ${code}`, startupMs });
          done();
        };
        worker.once('exit', onExit);
        worker.on('message', onMsg);
        worker.postMessage({ id, pairs: task.job.pairs, points: task.job.points, lenientFrom: task.job.lenientFrom ?? task.job.points.length });
      },
      (err: Error) => {
        slot.worker = null;
        slot.ready = null;
        this.settle(task, { ok: false, reason: err.message });
        done();
      },
    );
  }
}

let shared: CasPool | null = null;
/** The process-wide pool used by gradeAnswer (2 workers). */
export function sharedPool(): CasPool {
  if (!shared) shared = new CasPool(2);
  return shared;
}

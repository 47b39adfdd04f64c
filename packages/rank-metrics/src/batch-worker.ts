// Entry of a rank-metrics worker thread (started by worker-pool.ts from the package's built
// dist/batch-worker.js). It takes responses of each job it is sent until none is left, then
// says so; the results themselves are in the job's shared memory.
import { parentPort } from 'node:worker_threads';
import { claimLoop, type SharedJob } from './shared-job.js';

if (!parentPort) throw new Error('batch-worker.js must run in a worker thread');
const port = parentPort;
port.on('message', (job: SharedJob) => {
  claimLoop(job);
  port.postMessage({ id: job.id, done: true });
});
port.postMessage({ ready: true });

// A process that computed rank metrics on worker threads must end by itself: the pool's workers
// may never keep it alive once the work is done (a ref'd worker port once kept `verl train`
// running forever after its last step).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');

describe('worker pool and process exit', () => {
  it.skipIf(!existsSync(built))('a process ends by itself after batchRankMetrics on 2 workers', () => {
    const script = `import { batchRankMetrics } from ${JSON.stringify(pathToFileURL(built).href)};
      const B = 4, T = 64, D = 16;
      const data = new Float32Array(B * T * D).map((_, i) => Math.sin(i * 12.9898) * 0.5);
      const mask = Array.from({ length: B }, () => new Array(T).fill(1));
      console.log(batchRankMetrics(data, { batch: B, time: T, dim: D }, mask, { stride: 4, workers: 2 }).length);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toBe('4');
  });
});

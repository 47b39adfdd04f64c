import { describe, expect, it } from 'vitest';
import { parseServerList, ServerPool } from './remote-pool.js';

function pool(urls: string[], perServer = 2) {
  const warnings: string[] = [];
  let now = 1000;
  const p = new ServerPool(urls, { perServer, retryDeadAfterMs: 5000, warn: (m) => warnings.push(m), now: () => now });
  return { p, warnings, advance: (ms: number) => (now += ms) };
}

describe('ServerPool', () => {
  it('parses comma-separated lists', () => {
    expect(parseServerList('http://a:1, http://b:2,,http://c:3 ')).toEqual(['http://a:1', 'http://b:2', 'http://c:3']);
    expect(parseServerList(['http://a:1,http://b:2', 'http://c:3'])).toEqual(['http://a:1', 'http://b:2', 'http://c:3']);
    expect(() => new ServerPool([], { perServer: 1 })).toThrow(/at least one/);
    expect(() => new ServerPool(['http://a', 'http://a'], { perServer: 1 })).toThrow(/listed twice/);
    expect(() => new ServerPool(['http://a'], { perServer: 0 })).toThrow(/perServer/);
  });

  it('sends each request to the server with the fewest in flight, and waits when all are full', async () => {
    const { p } = pool(['A', 'B', 'C'], 2);
    const leases = [];
    for (let i = 0; i < 6; i++) leases.push(await p.acquire());
    expect(leases.map((l) => l.baseUrl)).toEqual(['A', 'B', 'C', 'A', 'B', 'C']);
    let got: string | null = null;
    const waiting = p.acquire().then((l) => (got = l.baseUrl));
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toBeNull(); // 2 per server: all 6 slots are taken
    leases[4].release(); // B has a free slot
    await waiting;
    expect(got).toBe('B');
    leases[0].release();
    leases[3].release(); // A now has none in flight: the least busy
    expect((await p.acquire()).baseUrl).toBe('A');
    expect(p.stats().map((s) => s.inFlight)).toEqual([1, 2, 2]);
  });

  it('skips a dead server with one warning, tries it again later, and falls back when all are dead', async () => {
    const { p, warnings, advance } = pool(['A', 'B'], 4);
    const a = await p.acquire();
    expect(a.baseUrl).toBe('A');
    a.fail('connection refused');
    expect(warnings).toEqual(['remote server A failed (connection refused): skipped for 5 s, requests go to the other 1 server']);
    const picks = [];
    for (let i = 0; i < 3; i++) picks.push((await p.acquire()).baseUrl);
    expect(picks).toEqual(['B', 'B', 'B']); // A has fewer in flight but is dead
    expect(p.aliveCount()).toBe(1);
    advance(5001);
    expect(p.aliveCount()).toBe(2);
    const again = await p.acquire();
    expect(again.baseUrl).toBe('A');
    again.fail('reset');
    advance(1);
    const b = await p.acquire(); // B: 4 in flight now
    b.fail('reset');
    expect(warnings[2]).toMatch(/remote server B failed \(reset\).*no other server is alive/);
    // both dead: the one dead the longest (A) is tried rather than failing here
    expect((await p.acquire()).baseUrl).toBe('A');
  });

  it('an abort signal cancels a wait for a slot', async () => {
    const { p } = pool(['A'], 1);
    await p.acquire();
    const ac = new AbortController();
    const waiting = p.acquire(ac.signal);
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});

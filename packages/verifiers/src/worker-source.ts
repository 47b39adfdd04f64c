// Source of the CAS worker, kept as plain JavaScript text so that the same code runs as an
// `eval: true` worker both from the TypeScript sources (vitest) and from the built dist:
// no `.js` file has to exist next to the module. mathjs is imported by an absolute path that
// the main thread resolves (see worker-pool.ts).
//
// Protocol: main -> worker {id, pairs:[{a, b, mode}], points:[{v0: x, …}], lenientFrom}
//           worker -> main {id, results: boolean[]} | {id, error}
// mode 'equal': a = b at every point; mode 'proportional': a / b is one non-zero constant
// (equations l1 - r1 = 0 and l2 - r2 = 0 describe the same set).
// Each point is evaluated first with 64-digit BigNumbers (tolerance 1e-40 relative), falling
// back to float64 complex arithmetic (tolerance 1e-10 relative) when a value leaves the reals.
export const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
(async () => {
  const mathjs = await import(pathToFileURL(workerData.mathjsPath).href);
  const m = mathjs.default && mathjs.default.create ? mathjs.default : mathjs;
  const big = m.create(m.all, { number: 'BigNumber', precision: 64 });
  const flt = m.create(m.all, { number: 'number' });
  const cache = new Map();
  function compile(math, key, src) {
    const k = key + src;
    let c = cache.get(k);
    if (!c) {
      c = math.compile(src);
      if (cache.size > 2000) cache.clear();
      cache.set(k, c);
    }
    return c;
  }
  function evalBig(src, point) {
    const scope = {};
    for (const [k, v] of Object.entries(point)) scope[k] = big.bignumber(v);
    const r = compile(big, 'b:', src).evaluate(scope);
    return big.isBigNumber(r) ? r : null;
  }
  function evalFloat(src, point) {
    const r = compile(flt, 'f:', src).evaluate({ ...point });
    if (typeof r === 'number') return { re: r, im: 0 };
    if (r && typeof r.re === 'number') return { re: r.re, im: r.im };
    return null;
  }
  function bigClose(a, b) {
    if (!a.isFinite() || !b.isFinite()) return a.equals(b);
    const d = a.minus(b).abs();
    const s = big.max(a.abs(), b.abs());
    return d.lte(s.times('1e-40').plus('1e-60'));
  }
  function cAbs(z) { return Math.hypot(z.re, z.im); }
  function fClose(a, b) {
    if (![a.re, a.im, b.re, b.im].every(Number.isFinite)) return false;
    const d = Math.hypot(a.re - b.re, a.im - b.im);
    return d <= 1e-10 * Math.max(cAbs(a), cAbs(b)) + 1e-14;
  }
  function safe(f) { try { return f(); } catch { return null; } }
  function equalAt(a, b, point, lenient) {
    const x = safe(() => evalBig(a, point));
    const y = safe(() => evalBig(b, point));
    if (x && y) return bigClose(x, y) ? 1 : 0;
    const u = safe(() => evalFloat(a, point));
    const v = safe(() => evalFloat(b, point));
    if (!u || !v) return -1;
    if (lenient && (u.im !== 0 || v.im !== 0)) return -1;
    if (!Number.isFinite(u.re) || !Number.isFinite(u.im) || !Number.isFinite(v.re) || !Number.isFinite(v.im)) return -1;
    return fClose(u, v) ? 1 : 0;
  }
  function ratioAt(a, b, point) {
    const u = safe(() => evalFloat(a, point));
    const v = safe(() => evalFloat(b, point));
    if (!u || !v || cAbs(v) < 1e-12 || cAbs(u) < 1e-12) return null;
    const den = v.re * v.re + v.im * v.im;
    const r = { re: (u.re * v.re + u.im * v.im) / den, im: (u.im * v.re - u.re * v.im) / den };
    return Number.isFinite(r.re) && Number.isFinite(r.im) ? r : null;
  }
  function check(pair, points, lenientFrom) {
    if (pair.mode === 'proportional') {
      const rs = [];
      for (const p of points.slice(0, lenientFrom)) {
        const r = ratioAt(pair.a, pair.b, p);
        if (r) rs.push(r);
      }
      if (rs.length < Math.min(3, lenientFrom)) return false;
      return rs.every((r) => fClose(r, rs[0]));
    }
    let good = 0;
    for (let k = 0; k < points.length; k++) {
      const e = equalAt(pair.a, pair.b, points[k], k >= lenientFrom);
      if (e === 0) return false;
      if (e === 1 && k < lenientFrom) good++;
    }
    return good >= Math.min(2, lenientFrom);
  }
  parentPort.on('message', (msg) => {
    try {
      const results = msg.pairs.map((pair) => check(pair, msg.points, msg.lenientFrom));
      parentPort.postMessage({ id: msg.id, results });
    } catch (err) {
      parentPort.postMessage({ id: msg.id, error: String(err && err.message || err) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((err) => {
  parentPort.postMessage({ fatal: String(err && err.stack || err) });
});
`;

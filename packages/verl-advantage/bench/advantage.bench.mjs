// Cost of the advantage stage per training step, as a ratio to plain GRPO measured in the same
// run. Run: pnpm --filter @verl-ts/verl-advantage bench
import {
  VerlShaper,
  broadcastShapedAdvantages,
  broadcastShapedAdvantagesFlat,
  computeAdvantages,
} from '@verl-ts/verl-advantage';

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function batch(prompts, n, seed) {
  const r = rng(seed);
  const size = prompts * n;
  const groupIds = Array.from({ length: size }, (_, i) => Math.floor(i / n));
  const rewards = Array.from({ length: size }, () => (r() < 0.5 ? 1 : 0));
  const era = Array.from({ length: size }, () => (r() - 0.5) * 0.1);
  const erv = Array.from({ length: size }, () => r());
  const er = Array.from({ length: size }, () => 20 + 10 * r());
  return { groupIds, rewards, era, erv, er };
}

function time(fn, minMs = 300) {
  for (let i = 0; i < 5; i++) fn(); // warm-up
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    reps++;
  }
  return (performance.now() - t0) / reps;
}

const T = 1536; // max response length of the paper's runs
for (const [prompts, n] of [[48, 4], [512, 8]]) {
  const b = batch(prompts, n, 1);
  const mask = b.rewards.map((_, i) => Array.from({ length: T }, (_, t) => (t < 200 + ((i * 37) % (T - 200)) ? 1 : 0)));
  const a0 = computeAdvantages('grpo', b);
  const grpo = time(() => computeAdvantages('grpo', b));
  const rows = [
    ['grpo (baseline)', grpo],
    ['dr-grpo', time(() => computeAdvantages('dr-grpo', b))],
    ['rloo', time(() => computeAdvantages('rloo', b))],
    ['reinforce-plus-plus-baseline', time(() => computeAdvantages('reinforce-plus-plus-baseline', b))],
    ['VerlShaper.step (default)', (() => {
      const s = new VerlShaper();
      s.step({ advantages0: a0, era: b.era, erv: b.erv, er: b.er });
      return time(() => s.step({ advantages0: a0, era: b.era, erv: b.erv, er: b.er }));
    })()],
    ['VerlShaper.step (reference)', (() => {
      const s = new VerlShaper({ mode: 'reference' });
      s.step({ advantages0: a0, era: b.era, erv: b.erv, er: b.er });
      return time(() => s.step({ advantages0: a0, era: b.era, erv: b.erv, er: b.er }));
    })()],
    [`broadcastShapedAdvantages [${b.rewards.length}x${T}]`, time(() => broadcastShapedAdvantages(a0, a0, mask, 'all'))],
    [`broadcastShapedAdvantagesFlat [${b.rewards.length}x${T}]`, time(() => broadcastShapedAdvantagesFlat(a0, a0, mask, 'all'))],
  ];
  console.log(`batch ${prompts} prompts x ${n} responses = ${b.rewards.length}`);
  for (const [name, ms] of rows) {
    console.log(`  ${name.padEnd(44)} ${(ms * 1000).toFixed(1).padStart(10)} µs   ${(ms / grpo).toFixed(2).padStart(7)}x grpo`);
  }
}

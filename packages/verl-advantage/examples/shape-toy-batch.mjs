// Shapes a toy batch with the VERL shaper, two training steps, in both modes.
// Run: pnpm --filter @verl-ts/verl-advantage example
import { pathToFileURL } from 'node:url';
import { VerlShaper, broadcastShapedAdvantages, computeAdvantages } from '@verl-ts/verl-advantage';

export function shapeToyBatch(mode) {
  const shaper = new VerlShaper({ mode }); // paper defaults: ERA steers ER vs ERV, κ = 2, α = 0.3
  const groupIds = [0, 0, 1, 1]; // two prompts, two responses each
  const steps = [
    { rewards: [1, 0, 1, 1], era: [0.01, 0.03, 0.02, 0.02], erv: [0.4, 0.6, 0.5, 0.5], er: [19, 21, 20, 20] },
    { rewards: [1, 0, 0, 1], era: [0.05, 0.03, -0.01, 0.09], erv: [0.3, 0.5, -0.2, 1.0], er: [21, 23, 22, 22] },
  ];
  const mask = [[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]];
  let last;
  for (const { rewards, era, erv, er } of steps) {
    const shaped = shaper.shapeRewards({ rewards, era, erv, er }); // = rewards unless addReward
    const advantages0 = computeAdvantages('grpo', { rewards: shaped, groupIds });
    const out = shaper.step({ advantages0, era, erv, er });
    const tokens = broadcastShapedAdvantages(advantages0, out.bonus, mask, shaper.bonusTokens);
    last = { advantages0, ...out, tokens };
  }
  return last;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const mode of ['default', 'reference']) {
    const r = shapeToyBatch(mode);
    const f = (xs) => xs.map((x) => x.toFixed(4)).join(', ');
    console.log(`${mode}: A0 = [${f(r.advantages0)}]`);
    console.log(`  aux = [${f(r.aux)}]  τ mean = ${r.stats.tau_mean.toFixed(4)}  clip rate = ${r.stats.clip_rate}`);
    console.log(`  A   = [${f(r.advantages)}]`);
    r.tokens.forEach((row, i) => console.log(`  tokens[${i}] = [${f(row)}]`));
  }
}

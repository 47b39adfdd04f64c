// Sets bench.mjs's numbers (ours) beside torch_bench.py's (PyTorch eager fp32, same card, same
// run) and hf-check.mjs's agreement: markdown tables with the ours/PyTorch ratios that issue 9's
// acceptance uses (training step ≤ 5 for both sizes), per phase, generation tokens/s, matMul
// TFLOP/s and the top kernels of the profiled step.
//
//   node tools/gpu-bench/report.mjs [--ours results-ours.json] [--torch results-torch.json]
//                                   [--hf results-hf-check.json] [--out report.md]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    ours: { type: 'string', default: 'results-ours.json' },
    torch: { type: 'string', default: 'results-torch.json' },
    hf: { type: 'string', default: 'results-hf-check.json' },
    out: { type: 'string', default: 'report.md' },
    target: { type: 'string', default: '5' },
  },
});
const load = (f) => { try { return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null; } catch (e) { return { loadError: `${f}: ${e.message}` }; } };
const ours = load(args.ours), torch = load(args.torch), hf = load(args.hf);
const target = Number(args.target);
const lines = [];
const p = (s = '') => lines.push(s);
const num = (x, d = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);

const adapter = ours?.adapter ? [ours.adapter.vendor, ours.adapter.architecture, ours.adapter.description].filter(Boolean).join(' / ') : '–';
p(`# verl-ts GPU benchmark (${(ours?.date ?? torch?.date ?? new Date().toISOString()).slice(0, 16)} UTC)`);
p();
const tf32 = !torch?.tf32 ? '–' : torch.tf32.error ? `unknown (${torch.tf32.error})` : torch.tf32.matmul || torch.tf32.cudnn ? 'ON (not an fp32 baseline)' : 'off';
p(`- card (PyTorch): ${torch?.device ?? '–'}; torch ${torch?.torch ?? '–'}, transformers ${torch?.transformers ?? '–'}, TF32 ${tf32}`);
// an H100's fp32 FMA peak is ~67 TFLOP/s: a faster plain matMul means tensor cores (TF32) did the work
const fastest = Math.max(0, ...(torch?.matmul ?? []).map((r) => r.plain?.tflops ?? 0));
if (fastest > 70) p(`- WARNING: PyTorch fp32 matMul reached ${fastest} TFLOP/s, above an H100's fp32 peak: TF32 looks on`);
p(`- ours: backend ${ours?.backend ?? '–'}, adapter ${adapter}, timestamp-query ${ours?.timestampQuery ?? '–'}, tfjs ${ours?.tfjs ?? '–'}, node ${ours?.node ?? '–'}, clip: ${ours?.clip ?? '–'}${ours?.quick ? ' — QUICK (tiny shapes, not the issue\'s)' : ''}`);
if (hf?.rows) {
  const worst = Math.max(...hf.rows.flatMap((r) => [r.logits, r.hidden, r.logprobs, r.nll, r.gradSumRel]));
  p(`- hf-reference on ${hf.backend}: ${hf.pass ? 'PASS' : 'FAIL'} (largest error ${worst.toExponential(1)}, bound ${hf.tol})`);
} else p(`- hf-reference: not run${hf?.loadError ? ` (${hf.loadError})` : ''}`);
p();

const sizes = [...new Set([...Object.keys(ours?.sizes ?? {}), ...Object.keys(torch?.sizes ?? {})])];
p('## Training step (forward + backward + clip + AdamW, fp32)');
p();
p(`| model | params | B×T | ours ms | PyTorch ms | ours/PyTorch | ≤ ${target} | ours tokens/s |`);
p('|---|---|---|---|---|---|---|---|');
let allMet = sizes.length > 0;
for (const n of sizes) {
  const o = ours?.sizes?.[n], t = torch?.sizes?.[n];
  const r = ratio(o?.stepMs?.median, t?.stepMs?.median);
  if (!(r !== null && r <= target)) allMet = false;
  const params = o?.params ?? t?.params;
  p(`| ${n} | ${params ? (params / 1e6).toFixed(2) + 'M' : '–'} | ${o?.batch ?? t?.batch ?? '–'}×${o?.seq ?? t?.seq ?? '–'} | ${o?.stepMs ? num(o.stepMs.median) : o?.error ? 'error' : '–'} | ${t?.stepMs ? num(t.stepMs.median, 2) : t?.error ? 'error' : '–'} | ${r === null ? '–' : r.toFixed(1) + '×'} | ${r === null ? '–' : r <= target ? 'yes' : 'no'} | ${o?.tokensPerSec ?? '–'} |`);
}
p();
p(`Acceptance (issue 9, ratio ≤ ${target} for every size): ${allMet ? 'MET' : 'not met'}`);
p();
p('## Per phase (ms, each phase synced; ours: forward without the gradient tape, backward = forward+backward − forward)');
p();
p('| model | phase | ours | PyTorch | ours/PyTorch | ours CPU time to issue (unsynced step) |');
p('|---|---|---|---|---|---|');
for (const n of sizes) {
  const o = ours?.sizes?.[n], t = torch?.sizes?.[n];
  for (const ph of ['forward', 'backward', 'optimizer']) {
    const a = o?.phasesMs?.[ph], b = t?.phasesMs?.[ph], r = ratio(a, b);
    p(`| ${n} | ${ph === 'optimizer' ? 'clip+AdamW' : ph} | ${num(a)} | ${num(b, 2)} | ${r === null ? '–' : r.toFixed(1) + '×'} | ${num(o?.cpuEncodeMs?.[ph])} |`);
  }
  if (o?.perStep) p(`| ${n} | dispatches / readbacks per step | ${o.perStep.dispatches} / ${o.perStep.reads + o.perStep.readSyncs} | | | |`);
}
p();
p('## Generation (tokens/s; ours: rollout local engine with the KV cache; PyTorch: HF generate; sampling, no EOS)');
p();
p('| model | batch | ours | PyTorch | ours/PyTorch | ours dispatches per token step |');
p('|---|---|---|---|---|---|');
for (const n of sizes) {
  const og = ours?.sizes?.[n]?.generation ?? {}, tg = torch?.sizes?.[n]?.generation ?? {};
  for (const b of [...new Set([...Object.keys(og), ...Object.keys(tg)])]) {
    const a = og[b]?.tokensPerSec, c = tg[b]?.tokensPerSec, r = ratio(a, c);
    p(`| ${n} | ${b} | ${num(a)} | ${tg[b]?.error ? 'error' : num(c)} | ${r === null ? '–' : r.toFixed(2) + '×'} | ${og[b]?.dispatchesPerToken ?? '–'} |`);
  }
}
p();
if (ours?.matmul?.length || torch?.matmul?.length) {
  p('## matMul TFLOP/s (fp32)');
  p();
  p('| M×K×N | variant | ours | PyTorch |');
  p('|---|---|---|---|');
  const rows = ours?.matmul?.length ? ours.matmul : torch.matmul;
  rows.forEach((row, i) => {
    const trow = torch?.matmul?.find((x) => x.M === row.M && x.K === row.K && x.N === row.N) ?? torch?.matmul?.[i];
    for (const v of ['plain', 'transposeB', 'transposeA']) p(`| ${row.M}×${row.K}×${row.N} | ${v} | ${ours?.matmul?.[i]?.[v]?.tflops ?? '–'} | ${trow?.[v]?.tflops ?? '–'} |`);
  });
  p();
}
for (const n of sizes) {
  const pr = ours?.sizes?.[n]?.profile;
  if (!pr) continue;
  p(`## Kernel profile of one ${n} step (ours)`);
  p();
  p(`${pr.kernels} kernels; GPU time ${pr.kernelMsTotal} ms (forward ${pr.gpuMsByPhase.forward}, backward ${pr.gpuMsByPhase.backward}, optimizer ${pr.gpuMsByPhase.optimizer}); kernels per phase ${JSON.stringify(pr.kernelsByPhase)}; ${pr.kernelsWithoutGpuTime} without GPU time; profiled wall ${pr.wallMsProfiled} ms${ours.timestampQuery ? '' : ' (no timestamp-query: times are 0, counts only)'}`);
  p();
  p('| kernel | count | GPU ms | share |');
  p('|---|---|---|---|');
  for (const k of pr.topByName.slice(0, 12)) p(`| ${k.name} | ${k.count} | ${k.ms} | ${k.share == null ? '–' : (100 * k.share).toFixed(1) + '%'} |`);
  p();
  p('| kernel and input shapes | count | GPU ms |');
  p('|---|---|---|');
  for (const k of pr.topByNameAndShape.slice(0, 8)) p(`| ${k.kernel} | ${k.count} | ${k.ms} |`);
  p();
}
const notes = [...(ours?.notes ?? []), ...sizes.flatMap((n) => [ours?.sizes?.[n]?.error && `ours ${n}: ${ours.sizes[n].error.split('\n')[0]}`, torch?.sizes?.[n]?.error && `PyTorch ${n}: ${torch.sizes[n].error}`]).filter(Boolean)];
if (!ours) notes.push(`no ${args.ours}`);
if (!torch) notes.push(`no ${args.torch}`);
if (notes.length) { p('## Notes'); p(); for (const n of notes) p(`- ${n}`); p(); }
const text = lines.join('\n');
console.log(text);
writeFileSync(args.out, text + '\n');

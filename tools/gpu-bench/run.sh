#!/usr/bin/env bash
# On the GPU machine (no Node.js, no network), from the repo root, with .gpu-bundle carried:
#   bash tools/gpu-bench/run.sh            (device tool: run, carry ['.gpu-bundle'], timeout_s 570)
# Unpacks the bundle made by tools/gpu-bench/pack.sh (node, Vulkan loader, dist/, pruned
# node_modules, fixtures), then runs, each under its own time limit:
#   1. hf-check.mjs   the hf-reference fixtures on webgpu within 1e-3             (90 s)
#   2. torch_bench.py PyTorch eager fp32 (TF32 off): step, phases, generation     (150 s)
#   3. bench.mjs      ours on webgpu: step, phases, kernel profile, generation    (270 s)
#   4. report.mjs     the tables with the ours/PyTorch ratios
# and leaves run.log, report.md and the three results-*.json in $OUT (the device tool brings
# them back), or in /tmp/gpu-bench-out when OUT is unset.
# Options: --quick (tiny shapes), --no-unpack (run from this checkout's own dist/ and
# node_modules, for trying the script where Node.js is installed), --sizes 15m (one size).
# GPU_BENCH_ARGS adds options to bench.mjs, e.g. '--tf-flags WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64'.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bundle=${GPU_BUNDLE:-$repo/.gpu-bundle}
out=${OUT:-/tmp/gpu-bench-out}
quick="" unpack=1 sizes=""
while (($#)); do
  case $1 in
    --quick) quick=--quick ;;
    --no-unpack) unpack=0 ;;
    --sizes) sizes="--sizes $2"; shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
log=$out/run.log
: >"$log"
say() { echo "$@" | tee -a "$log"; }
stage() { # name seconds command...: run with a time limit, output to the log, never abort the run
  local name=$1 secs=$2; shift 2
  say "=== $name ($(date -u +%H:%M:%S), limit ${secs}s): $*"
  local t0=$SECONDS
  timeout --kill-after=10 "$secs" "$@" 2>&1 | grep --line-buffered -v -e '^Warning: maxDynamic' | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  say "=== $name: exit $rc after $((SECONDS - t0)) s$([[ $rc == 124 || $rc == 137 ]] && echo ' (TIME LIMIT)')"
  return "$rc"
}

say "gpu-bench $(date -u +%FT%TZ) on $(hostname)"
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 || echo "no nvidia-smi"; } | tee -a "$log"

if [[ $unpack == 1 ]]; then
  [[ -f $bundle/unpack.sh && -f $bundle/bundle.tar.xz ]] || { say "run.sh: no bundle at $bundle; run 'bash tools/gpu-bench/pack.sh' where Node.js is, and carry .gpu-bundle"; exit 1; }
  t0=$SECONDS
  env_lines=$(bash "$bundle/unpack.sh" /tmp/gpu) || { say "run.sh: unpack.sh failed"; exit 1; }
  eval "$env_lines"   # PATH with node, VK_DRIVER_FILES, the EGL vendor file, cd into the unpacked tree
  say "unpacked the bundle in $((SECONDS - t0)) s into $PWD; node $(node --version 2>&1)"
  # scripts from this checkout win over the bundle's copies (dist/ and node_modules stay the bundle's)
  for f in "$repo"/tools/gpu-bench/*.mjs "$repo"/tools/gpu-bench/*.py "$repo"/tools/gpu-bench/shapes.json; do
    cmp -s "$f" "tools/gpu-bench/$(basename "$f")" || { cp "$f" tools/gpu-bench/; say "using the checkout's $(basename "$f") (differs from the bundle's)"; }
  done
  export VERL_WEBGPU_FLAGS=${VERL_WEBGPU_FLAGS-backend=vulkan,enable-dawn-features=allow_unsafe_apis}
  say "Vulkan ICD: ${VK_DRIVER_FILES:-unset} ($(ls "${VK_DRIVER_FILES:-/nonexistent}" 2>/dev/null || echo missing)); libvulkan: $(ldconfig -p | grep -c libvulkan) entries"
else
  cd "$repo"
fi
say "VERL_WEBGPU_FLAGS=${VERL_WEBGPU_FLAGS:-} VERL_WEBGPU_COMPAT=${VERL_WEBGPU_COMPAT:-}"

if ! stage hf-check 90 node tools/gpu-bench/hf-check.mjs --out "$out/results-hf-check.json"; then
  if grep -q 'no WebGPU adapter' "$log" && [[ -n ${VERL_WEBGPU_FLAGS:-} ]]; then
    say "no adapter with VERL_WEBGPU_FLAGS=$VERL_WEBGPU_FLAGS; trying Dawn's defaults"
    export VERL_WEBGPU_FLAGS=
    stage hf-check-default-flags 90 node tools/gpu-bench/hf-check.mjs --out "$out/results-hf-check.json"
  fi
fi
export PYTHONUNBUFFERED=1
stage torch 150 python3 tools/gpu-bench/torch_bench.py $quick $sizes --out "$out/results-torch.json"
stage ours 270 node tools/gpu-bench/bench.mjs $quick $sizes ${GPU_BENCH_ARGS:-} --out "$out/results-ours.json"
stage report 30 node tools/gpu-bench/report.mjs --ours "$out/results-ours.json" --torch "$out/results-torch.json" \
  --hf "$out/results-hf-check.json" --out "$out/report.md"
say "done in $SECONDS s; files in $out: $(cd "$out" && ls | tr '\n' ' ')"

#!/usr/bin/env bash
# Issue 16's acceptance measurement, in one run on this machine, for a Qwen2.5-0.5B-shaped model
# (packages/models/bench/make-qwen05b.mjs DIR 24: random weights, the real Qwen tokenizer):
#   1. `verl export` to f16 and q8_0 GGUFs (timed);
#   2. generation tokens/s, llama.cpp on both files vs the TensorFlow.js CPU backend, batch 1 and 8
#      (bench/generate.bench.mjs, given the files through BENCH_GGUFS);
#   3. `verl eval --engine llamacpp` of Gaokao 2024 I (14 problems, n = 1, 512 new tokens, T = 1 /
#      top-p 0.95 so llama.cpp's sampler chain draws, as in the README's earlier run) on the q8_0
#      file, under /usr/bin/time -v.
# The load average is printed before and after each part: on shared cores it decides the numbers.
# Everything printed is also written to WORK_DIR/acceptance.log. About 20-30 minutes on 2 quiet cores
# (most of it the TensorFlow.js rows and the eval); needs ~3 GB of disk in WORK_DIR.
#
# Run from anywhere, after `pnpm -r build`:
#   node packages/models/bench/make-qwen05b.mjs /tmp/qwen05b 24
#   packages/rollout-llamacpp/bench/acceptance.sh /tmp/qwen05b [WORK_DIR]
# Environment (defaults in brackets):
#   THREADS      llama.cpp CPU threads, benchmark and eval [all cores: nproc]
#   BATCH        eval problems decoded together [14: all of Gaokao 2024 I in one llama.cpp batch]
#   EVAL_DTYPES  exports to run the eval on, comma-separated [q8_0]; f16,q8_0 for both (+~10-40 min)
#   DTYPES       exports to write and benchmark [f16,q8_0]
#   MAX_TOKENS   eval's --max-tokens [512]        LIMIT  eval's --limit (smoke runs only) [all 14]
#   SKIP_BENCH=1 only export and eval;  BENCH_PROMPT / BENCH_NEW / BENCH_NEW_LLAMA go to generate.bench.mjs
# Smoke run (a minute; a 10M-parameter model with Qwen's vocabulary, bench/make-smoke-model.mjs):
#   node packages/rollout-llamacpp/bench/make-smoke-model.mjs /tmp/smoke-qwen
#   BENCH_NEW=4 BENCH_NEW_LLAMA=4 MAX_TOKENS=16 LIMIT=2 packages/rollout-llamacpp/bench/acceptance.sh /tmp/smoke-qwen
set -euo pipefail

if [[ $# -lt 1 || ! -f "$1/config.json" ]]; then
  echo "usage: $0 MODEL_DIR [WORK_DIR]   (MODEL_DIR: a folder made by packages/models/bench/make-qwen05b.mjs)" >&2
  exit 2
fi
model=$(cd "$1" && pwd)
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/acceptance-XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
pkg=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=$(cd "$pkg/../.." && pwd)
verl=(node "$root/apps/eval-runner/dist/cli.js")
threads=${THREADS:-$(nproc)}
batch=${BATCH:-14}
dtypes=${DTYPES:-f16,q8_0}
eval_dtypes=${EVAL_DTYPES:-q8_0}
max_tokens=${MAX_TOKENS:-512}
limit_args=()
[[ -n "${LIMIT:-}" ]] && limit_args=(--limit "$LIMIT")

exec > >(tee -a "$work/acceptance.log") 2>&1

load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC ($1)"; }
# the lines of /usr/bin/time -v that the README quotes
timed() {
  local report="$work/time-$1.txt"
  shift
  /usr/bin/time -v -o "$report" "$@"
  grep -E 'Elapsed \(wall clock\)|User time|System time|Maximum resident set size|Percent of CPU' "$report" | sed 's/^\s*/  /'
}

echo "== issue 16 acceptance run: $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "machine: $(lscpu | sed -n 's/^Model name:\s*//p'), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; node $(node --version); commit $(git -C "$root" rev-parse --short HEAD)"
echo "model: $model ($(node -e "const c=require('$model/config.json');console.log(c.num_hidden_layers+' layers, d='+c.hidden_size+', vocab '+c.vocab_size)"))"
echo "work: $work; llama.cpp threads $threads; eval batch $batch, --max-tokens $max_tokens${LIMIT:+, --limit $LIMIT}"

echo; echo "== 1. export"
ggufs=()
IFS=, read -ra dts <<< "$dtypes"
for dt in "${dts[@]}"; do
  load "before export $dt"
  timed "export-$dt" "${verl[@]}" export --model "$model" --out "$work/model-$dt.gguf" --dtype "$dt"
  ggufs+=("$work/model-$dt.gguf")
done
ls -l "${ggufs[@]}"

if [[ "${SKIP_BENCH:-0}" != 1 ]]; then
  echo; echo "== 2. generation tokens/s: llama.cpp ($dtypes, $threads threads) vs TensorFlow.js cpu, batch 1 and 8"
  load "before the benchmark"
  (IFS=,; BENCH_GGUFS="${ggufs[*]}" BENCH_THREADS="$threads" timed bench node "$pkg/bench/generate.bench.mjs" "$model")
  load "after the benchmark"
fi

echo; echo "== 3. verl eval --bench gaokao2024_I --n 1 --max-tokens $max_tokens (llama.cpp, $threads threads, batch $batch)"
IFS=, read -ra eds <<< "$eval_dtypes"
for dt in "${eds[@]}"; do
  out="$work/eval-$dt"
  rm -rf "$out" # a fresh folder: verl eval resumes an earlier run's records
  load "before eval $dt"
  timed "eval-$dt" "${verl[@]}" eval --engine llamacpp --model "$work/model-$dt.gguf" --bench gaokao2024_I \
    --n 1 --k 1 --max-tokens "$max_tokens" --temperature 1 --top-p 0.95 --batch "$batch" --threads "$threads" \
    "${limit_args[@]}" --out "$out"
  load "after eval $dt"
  # tokens/s over the whole run (prefill, scoring and start-up included) from the summary and time -v
  node -e "
    const fs = require('fs');
    const b = require('$out/summary.json').benchmarks[0];
    const t = fs.readFileSync('$work/time-eval-$dt.txt', 'utf8');
    const num = (re) => Number(t.match(re)[1]);
    const wall = t.match(/Elapsed \\(wall clock\\).*: ([\\d:.]+)/)[1].split(':').reduce((a, x) => a * 60 + Number(x), 0);
    const cpu = num(/User time \\(seconds\\): ([\\d.]+)/) + num(/System time \\(seconds\\): ([\\d.]+)/);
    const tokens = b.problems * b.samples * b.meanResponseTokens;
    console.log('eval $dt: ' + b.problems + ' problems, ' + tokens.toFixed(0) + ' new tokens (' + (100 * b.truncatedRate).toFixed(0) + '% cut at max tokens) in ' +
      (wall / 60).toFixed(1) + ' min: ' + (tokens / wall).toFixed(2) + ' tokens/s, ' + (tokens / cpu).toFixed(2) + ' per CPU-second' +
      (b.problems === 14 && $max_tokens === 512 ? '; the full run in under 10 minutes: ' + (wall < 600 ? 'yes' : 'no') : ''));
  " || echo "(see $out/summary.json and $work/time-eval-$dt.txt)"
done
echo; echo "== done; log in $work/acceptance.log, GGUFs in $work (remove when read)"

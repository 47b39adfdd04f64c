#!/usr/bin/env bash
# Build and pack what tools/gpu-bench needs on a GPU machine without Node.js or network into
# .gpu-bundle/ (gitignored): the node binary, the Vulkan/GL loader packages, the built dist/ of
# models, rollout and trainer, a pruned flat node_modules (only the files that the benchmark
# loads: tfjs and its node bundles, tfjs-backend-webgpu, webgpu's linux-x64 Dawn, tokenizers'
# linux-x64 binding, @huggingface/jinja), these scripts and the hf-reference fixtures. Checks
# that the staged tree runs on its own (quick bench on the software WebGPU adapter if there is
# one, else the cpu backend) and prints the sizes against the 64 MiB a device run may carry.
#
#   GPU_PACK=/path/to/gpu/pack.sh bash tools/gpu-bench/pack.sh [--no-build] [--no-check] [OUT_DIR]
# GPU_PACK is the device-bundle packer we were handed with the GPU tooling (it packs the node
# binary and the Vulkan loader); the fixtures come from this repository.
# Then, on the GPU machine (device tool, carry ['.gpu-bundle']):  bash tools/gpu-bench/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=1 check=1 out=""
for a in "$@"; do
  case $a in
    --no-build) build=0 ;;
    --no-check) check=0 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) out=$a ;;
  esac
done
out=${out:-$root/.gpu-bundle}
gpu_pack=${GPU_PACK:-}
fixtures=$root/fixtures/hf-reference
[[ -n $gpu_pack && -f $gpu_pack ]] || { echo "pack.sh: set GPU_PACK to the device-bundle packer (gpu/pack.sh of the GPU tooling)" >&2; exit 1; }
[[ -f $fixtures/llama-tiny/reference.json ]] || { echo "pack.sh: hf-reference fixtures not found in $fixtures" >&2; exit 1; }

cd "$root"
if [[ $build == 1 ]]; then
  echo "building models, rollout, trainer (and what trainer depends on)"
  pnpm --filter '@verl-ts/trainer...' --filter @verl-ts/rollout --filter @verl-ts/models build >/dev/null
fi
for p in models rollout trainer; do
  [[ -f packages/$p/dist/index.js ]] || { echo "pack.sh: packages/$p/dist missing; build first" >&2; exit 1; }
done

stage=$(mktemp -d /tmp/gpu-bench-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT

# workspace packages: package.json + dist, linked from node_modules/@verl-ts as pnpm would
for p in models rollout trainer; do
  mkdir -p "$stage/packages/$p" "$stage/node_modules/@verl-ts"
  cp packages/$p/package.json "$stage/packages/$p/"
  cp -rL packages/$p/dist "$stage/packages/$p/dist"
  ln -s ../../packages/$p "$stage/node_modules/@verl-ts/$p"
done
# the fixture comparison hf-check.mjs shares with the models package's agreement bench
mkdir -p "$stage/packages/models/bench"
cp packages/models/bench/reference-agreement.mjs "$stage/packages/models/bench/"

# third-party packages, resolved from the models package (where pnpm links them), flattened;
# each entry: package name, then the files (relative to the package) that a webgpu run loads
resolve_pkg() { # prints the real folder of package $1: linked from models, else beside tfjs or tfjs-core
  node -e '
    const path = require("path"), fs = require("fs");
    // node_modules/<name> in the folder of `from` or above, as Node looks (exports maps may hide package.json)
    const find = (from, name) => {
      for (let d = path.dirname(from); ; d = path.dirname(d)) {
        const c = path.join(d, "node_modules", name);
        if (fs.existsSync(path.join(c, "package.json"))) return fs.realpathSync(c);
        if (d === path.dirname(d)) return null;
      }
    };
    const models = process.argv[1] + "/packages/models/package.json", name = process.argv[2];
    const tfjs = find(models, "@tensorflow/tfjs"), core = tfjs && find(tfjs + "/package.json", "@tensorflow/tfjs-core");
    const dir = find(models, name) || (tfjs && find(tfjs + "/package.json", name)) || (core && find(core + "/package.json", name));
    if (!dir) process.exit(1);
    console.log(fs.realpathSync(dir));' "$root" "$1"
}
copy_pkg() { # name files...
  local name=$1; shift
  local src; src=$(resolve_pkg "$name") || { echo "pack.sh: cannot resolve $name from packages/models" >&2; exit 1; }
  mkdir -p "$stage/node_modules/$name"
  cp "$src/package.json" "$stage/node_modules/$name/"
  for f in "$@"; do
    mkdir -p "$stage/node_modules/$name/$(dirname "$f")"
    cp -L "$src/$f" "$stage/node_modules/$name/$f"
  done
}
copy_pkg @tensorflow/tfjs dist/tf.node.js
copy_pkg @tensorflow/tfjs-core dist/tf-core.node.js
copy_pkg @tensorflow/tfjs-backend-cpu dist/tf-backend-cpu.node.js
copy_pkg @tensorflow/tfjs-backend-webgl dist/tf-backend-webgl.node.js
copy_pkg @tensorflow/tfjs-backend-webgpu dist/tf-backend-webgpu.node.js
copy_pkg @tensorflow/tfjs-converter dist/tf-converter.node.js
copy_pkg @tensorflow/tfjs-data dist/tf-data.node.js
copy_pkg @tensorflow/tfjs-layers dist/tf-layers.node.js
copy_pkg long src/long.js
copy_pkg seedrandom index.js seedrandom.js lib/alea.js lib/tychei.js lib/xor128.js lib/xor4096.js lib/xorshift7.js lib/xorwow.js
copy_pkg @huggingface/jinja dist/index.js
copy_pkg tokenizers index.js tokenizers.linux-x64-gnu.node
copy_pkg webgpu index.js dist/linux-x64/dawn.node

# the scripts and the fixtures the correctness check compares with
mkdir -p "$stage/tools/gpu-bench" "$stage/fixtures/hf-reference"
cp "$here"/*.mjs "$here"/*.py "$here"/*.sh "$here"/shapes.json "$stage/tools/gpu-bench/"
for m in qwen2-tiny qwen2-tiny-bf16 llama-tiny; do
  mkdir -p "$stage/fixtures/hf-reference/$m"
  cp "$fixtures/$m"/{config.json,generation_config.json,model.safetensors,reference.json} "$stage/fixtures/hf-reference/$m/"
done

if [[ $check == 1 ]]; then
  # the staged tree must run by itself: nothing above it may supply a module
  echo "checking the staged tree (quick bench + hf-check)"
  (
    cd "$stage"
    export EGL_PLATFORM=${EGL_PLATFORM:-surfaceless} XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
    if VERL_WEBGPU_FLAGS=${VERL_WEBGPU_FLAGS:-backend=opengles} VERL_WEBGPU_COMPAT=${VERL_WEBGPU_COMPAT:-1} \
         timeout 120 node tools/gpu-bench/hf-check.mjs --out /tmp/gpu-bench-check-hf.json >/tmp/gpu-bench-check.log 2>&1; then
      VERL_WEBGPU_FLAGS=${VERL_WEBGPU_FLAGS:-backend=opengles} VERL_WEBGPU_COMPAT=${VERL_WEBGPU_COMPAT:-1} \
        timeout 180 node tools/gpu-bench/bench.mjs --quick --no-profile --no-matmul --out /tmp/gpu-bench-check.json >>/tmp/gpu-bench-check.log 2>&1
      echo "ok: the staged tree ran hf-check and the quick bench on the local WebGPU adapter"
    else
      echo "no local WebGPU adapter (see /tmp/gpu-bench-check.log); checking imports on the cpu backend instead"
      timeout 300 node tools/gpu-bench/bench.mjs --quick --backend cpu --no-profile --no-matmul --no-generate --out /tmp/gpu-bench-check.json >>/tmp/gpu-bench-check.log 2>&1
      echo "ok: the staged tree ran the quick bench on the cpu backend"
    fi
  ) || { echo "pack.sh: the staged tree does not run on its own; log: /tmp/gpu-bench-check.log" >&2; tail -20 /tmp/gpu-bench-check.log >&2; exit 1; }
fi

rm -rf "$out"
mkdir -p "$out"
# apt lists for the loader packages (pack.sh downloads libvulkan1 & co. with apt-get download)
if ! apt-cache show libvulkan1 >/dev/null 2>&1; then apt-get update -qq >/dev/null 2>&1 || true; fi
(cd "$stage" && bash "$gpu_pack" "$out" node_modules packages tools fixtures)
ls "$out"/debs/libvulkan1_*.deb >/dev/null 2>&1 || { echo "pack.sh: the Vulkan loader package is missing from $out/debs" >&2; exit 1; }
total=$(du -sb "$out" | cut -f1)
tree=$(cd "$root" && git ls-files -co --exclude-standard -z | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
echo "bundle: $out $(du -sh "$out" | cut -f1) ($total bytes); working tree that travels with it: $((tree / 1024 / 1024)) MiB; limit 64 MiB together"
if (( total + tree > 64 * 1024 * 1024 )); then echo "pack.sh: over the 64 MiB a device run may carry" >&2; exit 1; fi

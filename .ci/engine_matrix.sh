#!/usr/bin/env bash
# The engine-check matrix: one training step of every compiled-engine configuration against the
# float64 reference, for all four architectures at batch 64 and 1024 and the shipped examples with
# the layer kinds they lack (LeNet-5: tanh, average pools; batchnorm: BatchNormalization's moving
# statistics) at batch 64, under both kernel tunings, on the three WebGPU implementations reachable
# without a GPU (the examples add about 20 s to each pass):
#   - wgpu over OpenGL ES on llvmpipe (DENO_WEBGPU_BACKEND=gl: with Mesa's Vulkan driver installed,
#     Deno picks Vulkan by default; the wasm engine runs in this pass too),
#   - wgpu over Vulkan on lavapipe (DENO_WEBGPU_BACKEND=vulkan: the path of an NVIDIA GPU),
#   - Dawn in headless Chromium on SwiftShader (the engine bundled for the browser).
# The screened batches and references are computed once and kept in a fresh cache folder for the
# later passes. Prints the portability matrix; fails if any cell is over 1e-3 or a pass failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=reports/engine-matrix
cache=data/engine-check/reference-cache
rm -rf "$out" "$cache"
mkdir -p "$out"
common=(--tuning gpu,cpu --reference-cache "$cache" --json)
examples=(--batch 64 --arch-file examples/lenet5.keras.json --arch-file examples/batchnorm.keras.json)
failed=0
check() { # output name, env, flags...
  local name=$1 env=$2; shift 2
  if ! env $env deno task --quiet engine-check "${common[@]}" "$@" >"$out/$name.json" 2>"$out/$name.err"; then
    echo "engine matrix: the $name pass failed:"; grep -v XDG_RUNTIME_DIR "$out/$name.err" | tail -5
    failed=1
  fi
}
pass() { # name, env, flags...
  local start=$SECONDS
  check "$1" "$2" --batch 64,1024 "${@:3}"
  check "$1-examples" "$2" "${examples[@]}" "${@:3}"
  echo "engine matrix: $1 pass took $((SECONDS - start)) s"
}
pass gl DENO_WEBGPU_BACKEND=gl
pass vulkan DENO_WEBGPU_BACKEND=vulkan --engine webgpu
pass chromium "" --engine webgpu --browser
deno run --allow-read=reports tools/engine_matrix.ts \
  "wgpu GL (llvmpipe)=$out/gl.json" "wgpu GL (llvmpipe)=$out/gl-examples.json" \
  "wgpu Vulkan (lavapipe)=$out/vulkan.json" "wgpu Vulkan (lavapipe)=$out/vulkan-examples.json" \
  "Dawn (Chromium, SwiftShader)=$out/chromium.json" \
  "Dawn (Chromium, SwiftShader)=$out/chromium-examples.json" | tee "$out/matrix.md" || failed=1
exit $failed

#!/usr/bin/env bash
# The compiled engine's portability matrix: `deno task engine-check` (one training step against
# the float64 reference; exit 1 above 1e-3) for every architecture × batch size × tuning, on
# wgpu over GL (llvmpipe) and over Vulkan (lavapipe, the path an NVIDIA GPU takes), printed as
# one table by tools/engine_matrix.ts. Exits 1 when any cell or any run failed.
#
# Skips (exit 0, with a line saying so) where the project has no `engine-check` task.
# Narrow or widen it with the environment (comma-separated lists, as engine-check takes them):
#   ENGINE_MATRIX_ARCHS (mlp,cnn-basic,cnn-wide,cnn-deep)  ENGINE_MATRIX_BATCHES (64,1024)
#   ENGINE_MATRIX_TUNINGS (gpu,cpu)  ENGINE_MATRIX_IMPLS (gl vulkan; add chromium for Dawn)
set -uo pipefail
cd "$(dirname "$0")/.."

has_task=$(deno eval 'const j = JSON.parse(Deno.readTextFileSync("deno.json"));
  console.log(j.tasks?.["engine-check"] ? "yes" : "no")' 2>/dev/null)
if [[ "$has_task" != "yes" ]]; then
  echo "engine matrix: skipped (no 'deno task engine-check' in deno.json)"
  exit 0
fi

archs="${ENGINE_MATRIX_ARCHS:-mlp,cnn-basic,cnn-wide,cnn-deep}"
batches="${ENGINE_MATRIX_BATCHES:-64,1024}"
tunings="${ENGINE_MATRIX_TUNINGS:-gpu,cpu}"
impls=(${ENGINE_MATRIX_IMPLS:-gl vulkan})
dir=$(mktemp -d)
# The reference cache lies where the task may read and write (data/).
mkdir -p data && cache=$(mktemp -d data/engine-matrix.XXXXXX)
trap 'rm -rf "$dir" "$cache"' EXIT

declare -A names=(
  [gl]="wgpu GL (llvmpipe)"
  [vulkan]="wgpu Vulkan (lavapipe)"
  [chromium]="Dawn in Chromium (SwiftShader)"
)
failed=0
tables=()
for impl in "${impls[@]}"; do
  if [[ -z "${names[$impl]:-}" ]]; then
    echo "engine matrix: unknown implementation \"$impl\" (gl, vulkan, chromium)" >&2
    exit 2
  fi
  backend=$impl
  extra=()
  if [[ $impl == chromium ]]; then backend=gl extra=(--browser); fi
  start=$SECONDS
  # One reference cache for every implementation: the float64 step is computed once per cell.
  DENO_WEBGPU_BACKEND=$backend deno task engine-check --arch "$archs" --batch "$batches" \
    --tuning "$tunings" --engine webgpu --reference-cache "$cache" --json \
    "${extra[@]}" >"$dir/$impl.json" 2>"$dir/$impl.err"
  rc=$?
  echo "engine matrix: ${names[$impl]}: exit $rc in $((SECONDS - start)) s"
  if [[ $rc -ne 0 ]]; then
    failed=1
    tail -n 5 "$dir/$impl.err" >&2
  fi
  # A run that wrote no report (a crash, a usage error) has no row; its exit code says why.
  if deno eval "JSON.parse(Deno.readTextFileSync('$dir/$impl.json'))" 2>/dev/null; then
    tables+=("${names[$impl]}=$dir/$impl.json")
  fi
done

if [[ ${#tables[@]} -gt 0 ]]; then
  deno run --allow-read="$dir" tools/engine_matrix.ts "${tables[@]}" || failed=1
fi
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# Runs the WebGPU test files RUNS times in a row, one `deno test` process per run, and counts
# the exit codes. On wgpu's GL backend (llvmpipe) a run sometimes aborts at process exit after
# every test passed (glibc "double free or corruption" / "corrupted size vs. prev_size",
# exit 134, or a segfault, 139): `deno test` runs each test file on a tokio blocking thread,
# ends with `shutdown_background()` (those threads exit while `exit()` runs), and libglvnd's
# libEGL destructor frees every thread's EGL state while an exiting thread's own TSD
# destructor frees it too. Core dumps show exactly those two frees. Vulkan has no libEGL and
# does not crash. So one run proves little: this soak counts.
#
# usage: tools/soak_webgpu_exit.sh [RUNS] [LOG_DIR]
#   RUNS     number of runs (default 30)
#   LOG_DIR  where the log of every run that did not exit 0 is kept (default: a temp dir)
# DENO_WEBGPU_BACKEND picks wgpu's backend (default here: gl; also: vulkan).
# Exit status: 0 when every run exited 0, 1 otherwise, 2 on a usage error.
#
# The set is every test file that opens a WebGPU device, less the slow ones (the whole-engine
# parity and training runs, the bench and gpu-verify task tests: ~150 s more per run on
# 2 vCPUs); a run takes ~40 s.
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-30}"
if ! [[ "$runs" =~ ^[1-9][0-9]{0,3}$ ]]; then
  echo "usage: tools/soak_webgpu_exit.sh [RUNS 1-9999] [LOG_DIR]" >&2
  exit 2
fi
log_dir="${2:-$(mktemp -d)}"
mkdir -p "$log_dir" || exit 2
export DENO_WEBGPU_BACKEND="${DENO_WEBGPU_BACKEND:-gl}"

files=(
  tests/backend/webgpu/adapter_backend_test.ts
  tests/backend/webgpu/gather_images_test.ts
  tests/engine/compiled_epoch_errors_test.ts
  tests/engine/engine_device_test.ts
  tests/engine/gpu_counters_test.ts
  tests/train/create_runner_test.ts
  tests/train/fit_epoch_webgpu_test.ts
  tests/train/stock_loop_guard_test.ts
)

declare -A counts=()
for ((i = 1; i <= runs; i++)); do
  log="$log_dir/run_$i.log"
  start=$SECONDS
  NO_COLOR=1 deno test --allow-read --allow-write --allow-net=127.0.0.1 --allow-run --allow-env \
    "${files[@]}" >"$log" 2>&1
  rc=$?
  counts[$rc]=$((${counts[$rc]:-0} + 1))
  verdict="ok"
  if [[ $rc -ne 0 ]] && grep -qE '(ok|passed) \| [0-9]+ passed.* \| 0 failed' "$log"; then
    verdict="CRASHED AT EXIT after all tests passed: $(grep -m1 -E 'corrupt|free\(|double free|Segmentation|unaligned' "$log")"
  elif [[ $rc -ne 0 ]]; then
    verdict="FAILED: $(grep -m1 -E 'corrupted|double free|Segmentation|does not exist|panicked|FAILED' "$log" || tail -n1 "$log")"
  else
    rm -f "$log"
  fi
  echo "run $i/$runs: exit $rc ($((SECONDS - start)) s) $verdict"
done

summary=""
for rc in $(printf '%s\n' "${!counts[@]}" | sort -n); do summary+=" exit $rc: ${counts[$rc]}"; done
echo "backend: $DENO_WEBGPU_BACKEND; $runs runs;$summary; logs of failed runs: $log_dir"
[[ "${counts[0]:-0}" -eq "$runs" ]]

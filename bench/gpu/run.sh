#!/usr/bin/env bash
# The one command of the GPU kit, copied to .gpu/run.sh by bench/gpu/pack.sh and run from there
# on a machine with .gpu/ beside the checkout (no network needed, no `deno` on PATH needed: the
# packed one is unpacked to a temporary folder):
#
#   bash .gpu/run.sh [--quick] [--budget S] [other gpu-verify flags]
#
# Everything goes to $OUT when it is set (the device tool sets it and brings back what is there
# even when the command is cut at its limit), else to reports/gpu-verify/:
#   preflight.txt    at once, before Deno starts: nvidia-smi -L, Vulkan ICD files, LD_*/VK_*
#   run.log          the run's output as it happens
#   gpu-verify.json  after the preflight, every phase and every cell of phases 1, 2 and 4 (and
#                    gpu-verify.md beside it); engine-verdicts.json, the engine's self-check
#
# --quick: the same kit at small sizes on a CPU-only machine, on lavapipe (Mesa's Vulkan on the
# CPU; installed from Debian when missing) with DENO_WEBGPU_BACKEND=vulkan, the path Deno takes
# on an NVIDIA GPU. CI runs it.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=false
budget=450
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true; args+=("$1") ;;
    --budget) budget="${2:-}"; args+=("$1" "$budget"); shift ;;
    --budget=*) budget="${1#--budget=}"; args+=("$1") ;;
    *) args+=("$1") ;;
  esac
  shift
done
case "$budget" in '' | *[!0-9]*) echo "run.sh: --budget must be whole seconds, got '$budget'" >&2; exit 2 ;; esac
out="${OUT:-reports/gpu-verify}"
mkdir -p "$out"
out=$(cd "$out" && pwd)

if $quick; then
  if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1; then
    echo "run.sh --quick: installing Debian's mesa-vulkan-drivers (lavapipe)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq mesa-vulkan-drivers >/dev/null
  fi
  export DENO_WEBGPU_BACKEND=vulkan
  # lavapipe's WSI asks for one; without it every process prints an error line.
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
fi
[ -f .gpu/env.sh ] || { echo "run.sh: no .gpu/env.sh here: run bash bench/gpu/pack.sh first" >&2; exit 2; }
source .gpu/env.sh
trap 'rm -rf "$(dirname "$GPU_DENO")"' EXIT

# The preflight, written before anything else can hang or crash.
{
  echo "# preflight $(date -u +%FT%TZ) on $(hostname)"
  echo "## nvidia-smi -L"
  if command -v nvidia-smi >/dev/null 2>&1; then timeout 30 nvidia-smi -L 2>&1
  elif [ -x /usr/local/nvidia/bin/nvidia-smi ]; then timeout 30 /usr/local/nvidia/bin/nvidia-smi -L 2>&1
  else echo "(no nvidia-smi)"; fi
  echo "## Vulkan ICD files (the loader reads only VK_DRIVER_FILES / VK_ICD_FILENAMES when set)"
  for d in /usr/local/nvidia/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/share/vulkan/icd.d; do
    [ -d "$d" ] && for f in "$d"/*.json; do [ -e "$f" ] && echo "$f: $(grep -o '"library_path"[^,}]*' "$f")"; done
  done
  echo "## environment"
  env | grep -E '^(LD_|VK_|DENO_WEBGPU|__EGL|NVIDIA_|CUDA_)' | sort
  echo "## libraries"
  ldconfig -p 2>/dev/null | grep -E 'libvulkan\.so\.1 |libEGL\.so\.1 |libEGL_nvidia|libGLX_nvidia' || echo "(none of libvulkan/libEGL found by ldconfig)"
  echo "## deno"
  "$GPU_DENO" --version 2>&1 | head -1
} > "$out/preflight.txt" 2>&1
cat "$out/preflight.txt"

# Unrestricted --allow-run: with LD_LIBRARY_PATH set (GPU images set it), Deno refuses every
# spawn under a restricted list. --no-config: the bundle needs no deno.json; with one, Deno would
# set up node_modules (network). The timeout stops a hung GPU call before the device limit;
# the report of every finished phase is already in $out.
limit=$((budget + 60))
timeout -k 10 "$limit" "$GPU_DENO" run --no-config \
  --allow-read=.gpu,data,reports,"$out",/usr/local/nvidia/share,/etc/vulkan,/usr/local/share/vulkan,/usr/share/vulkan \
  --allow-write=reports,"$out" --allow-run \
  --allow-env=MNIST_DATA_DIR,MNIST_GPU_DATA,MNIST_WASM_THREADS,NO_COLOR,LD_LIBRARY_PATH,LD_PRELOAD,VK_DRIVER_FILES,VK_ICD_FILENAMES,DENO_WEBGPU_BACKEND,__EGL_VENDOR_LIBRARY_FILENAMES,NVIDIA_VISIBLE_DEVICES,CUDA_VISIBLE_DEVICES \
  .gpu/gpu-verify.js --out "$out" "${args[@]}" 2>&1 | tee "$out/run.log"
status=${PIPESTATUS[0]}
[ "$status" = 124 ] || [ "$status" = 137 ] && echo "run.sh: gpu-verify stopped after ${limit} s (the report has every finished phase)" | tee -a "$out/run.log"
echo "run.sh: exit $status" | tee -a "$out/run.log"
exit "$status"

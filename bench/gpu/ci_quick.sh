#!/usr/bin/env bash
# CI's check of the GPU kit on a CPU-only machine: packs .gpu/ (bench/gpu/pack.sh), then runs
# `.gpu/run.sh --quick` as the GPU machine would run it, with no `deno` on PATH (each PATH folder
# holding one is replaced by links to the rest of it), on lavapipe. Fails unless the run passes
# and left $OUT/gpu-verify.json with every phase in it (~2 min on 2 busy cores, half of it packing).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash bench/gpu/pack.sh
out=$(mktemp -d)
shadow=$(mktemp -d)
path=""
IFS=: read -ra dirs <<< "$PATH"
for d in "${dirs[@]}"; do
  if [ -e "$d/deno" ]; then
    s="$shadow/$(echo "$d" | tr / _)"
    mkdir -p "$s"
    ln -s "$d"/* "$s/" 2>/dev/null || true
    rm -f "$s/deno"
    d=$s
  fi
  path="${path:+$path:}$d"
done
if PATH="$path" command -v deno >/dev/null; then echo "ci_quick.sh: deno still on PATH" >&2; exit 1; fi
OUT="$out" PATH="$path" bash .gpu/run.sh --quick
# The report on disk must hold every phase, the run finished and passed.
grep -q '"finished": true' "$out/gpu-verify.json"
grep -q '"ok": true' "$out/gpu-verify.json"
test -s "$out/preflight.txt"
echo "ci_quick.sh: .gpu/run.sh --quick passed; report in $out"

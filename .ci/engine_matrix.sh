#!/usr/bin/env bash
# The compiled engine's portability matrix: `deno task engine-check` (one training step of
# each compiled engine against the float64 reference; exit 1 above 1e-3) for every
# architecture × batch size × tuning, on wgpu over GL (llvmpipe) and over Vulkan (lavapipe,
# the path an NVIDIA GPU takes). Prints one table and exits 1 if any cell failed.
#
# Skips (exit 0, with a line saying so) while the project has no `engine-check` task.
# Narrow the matrix with space-separated lists in the environment:
#   ENGINE_MATRIX_BACKENDS (gl vulkan)  ENGINE_MATRIX_ARCHS (mlp cnn-basic cnn-wide cnn-deep)
#   ENGINE_MATRIX_BATCHES (64 1024)     ENGINE_MATRIX_TUNINGS (gpu cpu)
#   ENGINE_MATRIX_TIMEOUT (seconds per cell, default 300)
set -uo pipefail
cd "$(dirname "$0")/.."

has_task=$(deno eval 'const j = JSON.parse(Deno.readTextFileSync("deno.json"));
  console.log(j.tasks?.["engine-check"] ? "yes" : "no")' 2>/dev/null)
if [[ "$has_task" != "yes" ]]; then
  echo "engine matrix: skipped (no 'deno task engine-check' in deno.json yet)"
  exit 0
fi

backends=(${ENGINE_MATRIX_BACKENDS:-gl vulkan})
archs=(${ENGINE_MATRIX_ARCHS:-mlp cnn-basic cnn-wide cnn-deep})
batches=(${ENGINE_MATRIX_BATCHES:-64 1024})
tunings=(${ENGINE_MATRIX_TUNINGS:-gpu cpu})
limit="${ENGINE_MATRIX_TIMEOUT:-300}"
err=$(mktemp)
trap 'rm -f "$err"' EXIT

# The worst relative error in engine-check's JSON: the largest number under any key that
# names an error (the report's exact shape is engine-check's own).
worst_of() {
  deno eval 'const text = await new Response(Deno.stdin.readable).text();
    let worst = -1;
    const walk = (v, key) => {
      if (typeof v === "number" && /err/i.test(key)) worst = Math.max(worst, v);
      else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    try { walk(JSON.parse(text), ""); } catch { /* not JSON: no number */ }
    console.log(worst < 0 ? "?" : worst.toExponential(2));' 2>/dev/null || echo "?"
}

rows=()
failed=0
started=$SECONDS
for backend in "${backends[@]}"; do
  for tuning in "${tunings[@]}"; do
    for arch in "${archs[@]}"; do
      for batch in "${batches[@]}"; do
        cell_start=$SECONDS
        out=$(DENO_WEBGPU_BACKEND="$backend" timeout "$limit" deno task -q engine-check \
          --arch "$arch" --batch "$batch" --tuning "$tuning" --json 2>"$err")
        rc=$?
        verdict=ok
        if [[ $rc -ne 0 ]]; then
          verdict="FAIL (exit $rc)"
          failed=$((failed + 1))
          echo "engine-check $backend/$tuning/$arch/$batch exit $rc: $(tail -n 3 "$err" | tr '\n' ' ')" >&2
        fi
        worst=$(printf '%s' "$out" | worst_of)
        rows+=("$(printf '%-7s %-6s %-10s %6s  %-10s %5ss  %s' "$backend" "$tuning" "$arch" \
          "$batch" "$worst" "$((SECONDS - cell_start))" "$verdict")")
      done
    done
  done
done

printf '%-7s %-6s %-10s %6s  %-10s %6s  %s\n' backend tuning arch batch worst time verdict
printf '%s\n' "${rows[@]}"
echo "engine matrix: ${#rows[@]} cells, $failed failed, $((SECONDS - started)) s"
[[ $failed -eq 0 ]]

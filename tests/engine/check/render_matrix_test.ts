/** The portability matrix: one row per implementation and tuning, over-tolerance cells marked. */
import assert from "node:assert/strict";
import type { EngineCheckReport } from "../../../lib/engine/check/engine_check.ts";
import { renderMatrix } from "../../../lib/engine/check/render_matrix.ts";

function report(arch: string, batchSize: number, errors: [string, number][]): EngineCheckReport {
  const rows = errors.map(([name, error]) => {
    const [engine, tuning] = name.split(" ") as ["wasm" | "webgpu", "gpu" | "cpu" | undefined];
    const worst = { tensor: "grad conv2d0.kernel", error };
    return { engine, tuning, tensors: [worst], worst, ok: error <= 1e-3 };
  });
  return { arch, batchSize, optimizer: "adam", tolerance: 1e-3, rows, skipped: [], ok: true };
}

Deno.test("renderMatrix: rows per implementation and tuning, a bad cell in bold, ok only if all pass", () => {
  const gl = [report("mlp", 64, [["wasm", 2e-6], ["webgpu cpu", 3e-6]])];
  const vk = [
    report("mlp", 64, [["webgpu gpu", 0.4]]),
    report("mlp", 1024, [["webgpu gpu", 4e-6]]),
  ];
  const { markdown, ok } = renderMatrix([
    { implementation: "wgpu GL", reports: gl },
    { implementation: "wgpu Vulkan", reports: vk },
  ]);
  assert.equal(ok, false);
  assert.deepEqual(markdown.split("\n"), [
    "| implementation | mlp 64 | mlp 1024 |",
    "| --- | ---: | ---: |",
    "| wasm engine | 2.0e-6 | — |",
    "| wgpu GL, cpu tuning | 3.0e-6 | — |",
    "| wgpu Vulkan, gpu tuning | **4.0e-1** | 4.0e-6 |",
  ]);
  assert.equal(renderMatrix([{ implementation: "wgpu GL", reports: gl }]).ok, true);
});

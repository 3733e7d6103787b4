/**
 * `bench-cpu`'s table (as BENCHMARKS.md shows it): our engine's ms/step and GFLOP/s, its
 * share of cnn-deep's GFLOP/s, and, when PyTorch ran, PyTorch's times and the ratios.
 *
 * @module
 */
import { type CpuBenchRow, REFERENCE_ARCH } from "./bench_cpu.ts";

const ms = (v: number | undefined) => v === undefined ? "–" : v.toFixed(1);
const times = (v: number | undefined) => v === undefined ? "–" : `${v.toFixed(2)}×`;

/**
 * The rows as a Markdown table; the PyTorch columns only when some row has PyTorch's times.
 *
 * @param rows Rows from `benchCpu`.
 * @returns The table.
 * @example
 * ```ts
 * import { renderCpuBench } from "./render_cpu_bench.ts";
 * import assert from "node:assert/strict";
 *
 * const table = renderCpuBench([{ arch: "mlp", batch: 32, threads: 2, oursMs: 1, oursCpuMs: 1,
 *   oursRounds: [1], flops: 2e7, gflops: 20, simd: "relaxed" }]);
 * assert.match(table, /\| mlp \(32\) \| 2 \| 1\.0 \| 20\.0 \| – \|$/m);
 * ```
 */
export function renderCpuBench(rows: readonly CpuBenchRow[]): string {
  const torch = rows.some((r) => r.torchMs !== undefined);
  const head = ["arch (batch)", "threads", "ours ms/step", "GFLOP/s", `÷ ${REFERENCE_ARCH}`];
  if (torch) {
    head.push("PyTorch ms/step", "ours / PyTorch", "ours CPU ms/step", "PyTorch CPU ms/step");
    head.push("CPU ratio");
  }
  const lines = [
    `| ${head.join(" | ")} |`,
    `| --- | ${head.slice(1).map(() => "---:").join(" | ")} |`,
  ];
  for (const r of rows) {
    const cells = [`${r.arch} (${r.batch})`, String(r.threads), ms(r.oursMs), r.gflops.toFixed(1)];
    cells.push(times(r.vsReference));
    if (torch) {
      const cpuRatio = r.torchCpuMs === undefined ? undefined : r.oursCpuMs / r.torchCpuMs;
      cells.push(ms(r.torchMs), times(r.ratio), ms(r.oursCpuMs), ms(r.torchCpuMs));
      cells.push(times(cpuRatio));
    }
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

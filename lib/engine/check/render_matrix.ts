/**
 * The portability matrix: engine-check reports from several WebGPU implementations (and the
 * wasm engine) as one markdown table, a row per implementation and tuning, a column per
 * architecture and batch size, each cell the worst relative error against the reference.
 *
 * @module
 */
import type { EngineCheckReport } from "./engine_check.ts";

/** Reports of one run of the check, with the implementation's name. */
export interface MatrixRun {
  /** e.g. `wgpu GL (llvmpipe)`. */
  implementation: string;
  reports: EngineCheckReport[];
}

/**
 * Renders the matrix.
 *
 * @param runs One per implementation.
 * @returns A markdown table, and whether every cell is within tolerance.
 */
export function renderMatrix(runs: readonly MatrixRun[]): { markdown: string; ok: boolean } {
  const columns = [
    ...new Set(runs.flatMap((r) => r.reports.map((x) => `${x.arch} ${x.batchSize}`))),
  ];
  const rows = new Map<string, Map<string, string>>();
  let ok = true;
  for (const run of runs) {
    for (const report of run.reports) {
      for (const row of report.rows) {
        const name = row.engine === "wasm"
          ? "wasm engine"
          : `${run.implementation}, ${row.tuning} tuning`;
        if (!rows.has(name)) rows.set(name, new Map());
        const cell = Number.isNaN(row.worst.error) ? "NaN" : row.worst.error.toExponential(1);
        rows.get(name)!.set(`${report.arch} ${report.batchSize}`, row.ok ? cell : `**${cell}**`);
        ok &&= row.ok;
      }
    }
  }
  const lines = [
    `| implementation | ${columns.join(" | ")} |`,
    `| --- | ${columns.map(() => "---:").join(" | ")} |`,
    ...[...rows].map(([name, cells]) =>
      `| ${name} | ${columns.map((c) => cells.get(c) ?? "—").join(" | ")} |`
    ),
  ];
  return { markdown: lines.join("\n"), ok };
}

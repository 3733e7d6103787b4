/**
 * The engine check as text: per architecture and batch, one column per engine run, one row
 * per tensor (its worst relative error against the float64 reference), then the verdict.
 *
 * @module
 */
import type { EngineCheckReport } from "./engine_check.ts";

const fmt = (e: number) => (Number.isNaN(e) ? "NaN" : e === 0 ? "0" : e.toExponential(1));

/**
 * Renders reports as aligned tables.
 *
 * @param reports One per architecture and batch size.
 * @returns The text (no trailing newline).
 */
export function renderEngineCheck(reports: readonly EngineCheckReport[]): string {
  const blocks = reports.map((r) => {
    const adapter = r.rows.find((row) => row.adapter)?.adapter;
    const head = `${r.arch}, batch ${r.batchSize}, ${r.optimizer}` +
      (adapter ? ` (WebGPU: ${adapter})` : "");
    const columns = r.rows.map((row) => row.tuning ? `webgpu ${row.tuning}` : row.engine);
    // Rows that failed to run hold only their error, so names come from every row.
    const names = [...new Set(r.rows.flatMap((row) => row.tensors.map((t) => t.tensor)))]
      .filter((name) => !name.startsWith("error: "));
    const cell = (row: (typeof r.rows)[number], name: string) => {
      const t = row.tensors.find((x) => x.tensor === name);
      return t ? fmt(t.error) : "—";
    };
    const table = [
      ["tensor", ...columns],
      ...names.map((name) => [name, ...r.rows.map((row) => cell(row, name))]),
      [
        `verdict (≤ ${r.tolerance})`,
        ...r.rows.map((row) => (row.ok ? "ok" : `FAIL: ${row.worst.tensor}`)),
      ],
    ];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((line) => line[c]!.length)));
    const lines = table.map((line) =>
      line.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join("  ").trimEnd()
    );
    return [head, ...lines, ...r.skipped.map((s) => `skipped ${s}`)].join("\n");
  });
  return blocks.join("\n\n");
}

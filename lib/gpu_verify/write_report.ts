/**
 * Writes a verification report as `gpu-verify.json` and a readable `gpu-verify.md`, both
 * replaced atomically, so a run killed by its time limit still leaves the phases it finished.
 *
 * @module
 */
import { atomicWrite } from "../fs/atomic_write.ts";
import type { GpuVerifyReport, PhaseResult, Table } from "./types.ts";

const MARK = {
  passed: "✅ passed",
  failed: "❌ failed",
  skipped: "⏭ skipped",
  running: "⏳ running (cut short?)",
} as const;

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** A number as a table shows it: as is when whole, else 4 digits (3 after the point below 1e-3). */
function shown(value: string | number | null): string {
  if (value === null) return "—";
  if (typeof value === "string") return cell(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 1e-3 ? value.toExponential(2) : value.toPrecision(4);
}

function tableMarkdown(table: Table): string[] {
  const columns = Object.keys(table.rows[0] ?? {});
  if (columns.length === 0) return [];
  return [
    "",
    `**${cell(table.title)}**`,
    "",
    `| ${columns.map(cell).join(" | ")} |`,
    `|${columns.map(() => "---").join("|")}|`,
    ...table.rows.map((row) => `| ${columns.map((c) => shown(row[c] ?? null)).join(" | ")} |`),
  ];
}

function phaseMarkdown(phase: PhaseResult): string {
  const failed = phase.checks.filter((c) => !c.ok);
  const lines = [
    `## Phase ${phase.id}: ${phase.name} — ${MARK[phase.status]} (${phase.seconds.toFixed(1)} s)`,
    "",
    `${phase.checks.length - failed.length} of ${phase.checks.length} checks passed.`,
  ];
  if (phase.errors.length > 0) {
    lines.push("", "Errors:", "", ...phase.errors.map((e) => `- \`${e.replaceAll("\n", " ")}\``));
  }
  // Failures first, then the passing checks, so a long list still shows what matters.
  const shown = [...failed, ...phase.checks.filter((c) => c.ok)];
  if (shown.length > 0) {
    lines.push("", "| check | result | detail |", "|---|---|---|");
    for (const c of shown) {
      lines.push(`| ${cell(c.name)} | ${c.ok ? "ok" : "FAIL"} | ${cell(c.detail ?? "")} |`);
    }
  }
  for (const table of phase.tables ?? []) lines.push(...tableMarkdown(table));
  if (Object.keys(phase.details).length > 0) {
    lines.push("", "```json", JSON.stringify(phase.details, null, 1), "```");
  }
  return lines.join("\n");
}

/**
 * The report in a few words: `unfinished`, `FAILED`, `all phases passed`, or `passed; phases
 * 3, 4 skipped` (a skipped phase measured nothing: out of time, or nothing to measure).
 *
 * @param report The report.
 * @returns The verdict.
 */
export function verdict(report: GpuVerifyReport): string {
  if (!report.finished) return "unfinished";
  if (!report.ok) return "FAILED";
  const skipped = report.phases.filter((p) => p.status === "skipped").map((p) => p.id);
  if (skipped.length === 0) return "all phases passed";
  return `passed; phase${skipped.length > 1 ? "s" : ""} ${skipped.join(", ")} skipped`;
}

/**
 * Renders a report as Markdown: the adapter, a summary table of the phases, then each
 * phase's checks and measurements.
 *
 * @param report The report.
 * @returns The Markdown text.
 */
export function reportMarkdown(report: GpuVerifyReport): string {
  return [
    `# GPU verification, ${report.started}${report.quick ? " (--quick)" : ""}: ${verdict(report)}`,
    "",
    "```json",
    JSON.stringify(report.adapter, null, 1),
    "```",
    "",
    ...(report.preflight
      ? ["Preflight:", "", "```json", JSON.stringify(report.preflight, null, 1), "```", ""]
      : []),
    "| phase | status | seconds | checks passed |",
    "|---|---|---|---|",
    ...report.phases.map((p) =>
      `| ${p.id} ${p.name} | ${MARK[p.status]} | ${p.seconds.toFixed(1)} | ${
        p.checks.filter((c) => c.ok).length
      }/${p.checks.length} |`
    ),
    "",
    ...report.phases.map(phaseMarkdown),
    "",
  ].join("\n");
}

/**
 * Writes `DIR/gpu-verify.json` and `DIR/gpu-verify.md` (creating DIR).
 *
 * Requires `--allow-write` for `dir`.
 *
 * @param dir The output folder.
 * @param report The report so far.
 * @returns The two paths.
 *
 * @example
 * ```ts ignore
 * await writeGpuVerifyReport("reports/gpu-verify", report);
 * ```
 */
export async function writeGpuVerifyReport(
  dir: string,
  report: GpuVerifyReport,
): Promise<{ json: string; markdown: string }> {
  await Deno.mkdir(dir, { recursive: true });
  const json = `${dir}/gpu-verify.json`;
  const markdown = `${dir}/gpu-verify.md`;
  await atomicWrite(json, `${JSON.stringify(report, null, 2)}\n`);
  await atomicWrite(markdown, reportMarkdown(report));
  return { json, markdown };
}

/**
 * Renders benchmark rows as a text table, with the kernel breakdown under each profiled row.
 *
 * @module
 */
import type { BenchRow } from "./bench_training.ts";

/** An aligned table of benchmark rows (and the top kernels when profiled). */
export function renderBenchTable(
  rows: (BenchRow & { kernels: string; engine?: string; counters?: object })[],
  profile: boolean,
): string {
  const header = [
    "arch",
    "backend",
    "engine",
    "kernels",
    "batch",
    "steps",
    "ms/step",
    "img/s",
    "s/epoch",
  ];
  const body = rows.map((r) => [
    r.arch,
    r.backend,
    r.engine ?? "tfjs",
    r.kernels,
    String(r.batch),
    String(r.steps),
    r.msPerStep.toFixed(1),
    Math.round(r.imagesPerSecond).toLocaleString("en-US"),
    r.secondsPerEpoch.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]): string =>
    c.map((s, i) => (i < 4 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  ")];
  rows.forEach((row, i) => {
    out.push(line(body[i]!));
    if (row.counters) {
      const c = Object.entries(row.counters).map(([k, v]) => `${k} ${+(v as number).toFixed(3)}`);
      out.push(`    ${c.join(", ")}`);
    }
    if (profile && row.profile) {
      const total = row.profile.reduce((s, k) => s + k.ms, 0);
      out.push(
        `    kernel time ${total.toFixed(1)} ms in ${
          row.profile.reduce((s, k) => s + k.calls, 0)
        } kernels:`,
      );
      for (const k of row.profile.slice(0, 10)) {
        out.push(
          `    ${k.name.padEnd(24)} ${String(k.calls).padStart(4)}×  ${
            k.ms.toFixed(2).padStart(9)
          } ms`,
        );
      }
    }
  });
  return out.join("\n");
}

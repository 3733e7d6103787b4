/**
 * Renders comparison rows as an aligned text table or as Markdown.
 *
 * @module
 */
import { atomicWrite } from "../fs/atomic_write.ts";
import type { ComparisonRow } from "./compare_models.ts";

const HEADERS = [
  "arch",
  "seed",
  "params",
  "epochs",
  "batch",
  "s/epoch",
  "img/s",
  "test acc",
  "wrong",
  "seed acc",
  "diff",
];

function cells(row: ComparisonRow): string[] {
  const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
  const diff = (d: number): string => `${d >= 0 ? "+" : "−"}${Math.abs(d * 100).toFixed(2)} pp`;
  return [
    row.arch,
    row.seeds.join(", "),
    row.params.toLocaleString("en-US"),
    String(row.epochs),
    String(row.batchSize),
    row.secondsPerEpoch.toFixed(1),
    Math.round(row.imagesPerSecond).toLocaleString("en-US"),
    pct(row.accuracy),
    `${row.wrong} / ${row.testCount.toLocaleString("en-US")}`,
    row.seedAccuracy === null ? "—" : pct(row.seedAccuracy),
    row.difference === null ? "—" : diff(row.difference),
  ];
}

/** An aligned plain-text table, one line per architecture. */
export function renderTextTable(rows: ComparisonRow[]): string {
  const body = rows.map(cells);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (c: string[]): string =>
    c.map((s, i) => (i === 0 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join("  ");
  return [line(HEADERS), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join(
    "\n",
  );
}

/** A Markdown table, one row per architecture. */
export function renderMarkdownTable(rows: ComparisonRow[]): string {
  const line = (c: string[]): string => `| ${c.join(" | ")} |`;
  return [
    line(HEADERS),
    line(HEADERS.map((_, i) => (i < 2 ? "---" : "---:"))),
    ...rows.map((r) => line(cells(r))),
  ].join("\n");
}

/**
 * Writes the comparison to `file`: JSON when it ends in `.json`, else a Markdown table.
 * Written atomically (a reader never sees half a table).
 *
 * Requires `--allow-write` for `file`.
 */
export async function writeComparisonTable(rows: ComparisonRow[], file: string): Promise<void> {
  const text = file.endsWith(".json")
    ? JSON.stringify(rows, null, 2)
    : `${renderMarkdownTable(rows)}\n`;
  await atomicWrite(file, text);
}

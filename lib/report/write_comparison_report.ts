/**
 * `writeComparisonReport`: compare-models' results side by side in one self-contained
 * `report.html`: the table (accuracy vs the seeds', time, parameters, wrong count), accuracy
 * and speed charts, and every architecture's history curves overlaid; PNGs beside it.
 *
 * Requires `--allow-write` for `outDir` and `--allow-read` for `node_modules/` and fonts.
 *
 * @module
 */
import type { ComparisonRow } from "./comparison_row.ts";
import type { FileWriter } from "../fs/replace_dir.ts";
import type { FontFile } from "../image/svg_to_png.ts";
import { htmlPage, htmlTable } from "./_html.ts";
import { type ReportFiles, reportFolder } from "./_chart_files.ts";
import { type TopLevelSpec, vegaLiteToSvg } from "./_vega.ts";
import { renderTrainingHistorySvg, trainingHistory } from "./training_history.ts";

/** What the comparison report needs of each architecture's run: `compareModels`' rows. */
export type ComparisonReportRow = ComparisonRow;

const pct = (v: number, digits = 2): string => `${(v * 100).toFixed(digits)} %`;

/**
 * Writes the comparison report for compare-models' rows into `outDir`.
 *
 * @param rows One row per architecture.
 * @param outDir Folder for `report.html` and the PNGs (created if needed).
 * @param options Fonts for the PNGs' text; the file writer (tests inject a full disk).
 * @returns The paths written, all swapped in together (a failure leaves the previous report).
 * @throws {RangeError} when there are no rows.
 *
 * @example
 * ```ts ignore
 * const rows = await compareModels({ epochs: 1 });
 * await writeComparisonReport(rows, "reports/compare");
 * ```
 */
export async function writeComparisonReport(
  rows: ComparisonReportRow[],
  outDir: string,
  options: { fonts?: readonly FontFile[]; writeFile?: FileWriter } = {},
): Promise<ReportFiles> {
  if (rows.length === 0) throw new RangeError("A comparison report needs at least one row");
  const folder = reportFolder(outDir, options);
  const chart = folder.chart;
  const table = htmlTable(
    [
      "Arch",
      "Seeds",
      "Params",
      "Epochs",
      "Batch",
      "s/epoch",
      "img/s",
      "Accuracy",
      "Seed's",
      "Δ",
      "Wrong",
    ],
    rows.map((r) => [
      r.arch,
      r.seeds.join(", "),
      r.params.toLocaleString("en-US"),
      r.epochs,
      r.batchSize,
      r.secondsPerEpoch.toFixed(1),
      Math.round(r.imagesPerSecond).toLocaleString("en-US"),
      pct(r.accuracy),
      r.seedAccuracy === null ? "—" : pct(r.seedAccuracy),
      r.difference === null
        ? "—"
        : `${r.difference >= 0 ? "+" : "−"}${(Math.abs(r.difference) * 100).toFixed(2)} %`,
      `${r.wrong.toLocaleString("en-US")} of ${r.testCount.toLocaleString("en-US")}`,
    ]),
    "comparison",
  );
  const sections = [
    { id: "table", title: "Results", html: table },
    {
      id: "accuracy",
      title: "Accuracy",
      html: await chart("comparison_accuracy", accuracySvg(rows), "Test accuracy per architecture"),
    },
    {
      id: "speed",
      title: "Training speed",
      html: await chart("comparison_speed", speedSvg(rows), "Seconds per epoch"),
    },
    {
      id: "history",
      title: "Training history",
      html: await chart(
        "comparison_history",
        renderTrainingHistorySvg(
          trainingHistory(rows.map((r) => ({ run: r.arch, history: r.history }))),
          "Training history, all architectures",
        ),
        "Loss and accuracy per epoch, overlaid",
      ),
    },
  ];
  return await folder.commit(htmlPage("MNIST architectures compared", sections));
}

function accuracySvg(rows: ComparisonReportRow[]): Promise<string> {
  const values = rows.flatMap((r) => [
    { arch: r.arch, source: "this run", accuracy: r.accuracy },
    ...(r.seedAccuracy === null
      ? []
      : [{ arch: r.arch, source: "seed reported", accuracy: r.seedAccuracy }]),
  ]);
  const low = Math.min(...values.map((v) => v.accuracy));
  return vegaLiteToSvg({
    title: "Test accuracy: this run vs the seed notebook",
    width: 420,
    height: 36 * rows.length,
    data: { values },
    // Dots, not bars: accuracies sit within a few percent of each other, so the axis starts
    // near the lowest, and bars cut off at that start would mislead.
    mark: { type: "point", filled: true, size: 120 },
    encoding: {
      y: { field: "arch", type: "nominal", title: null, sort: rows.map((r) => r.arch) },
      shape: { field: "source", type: "nominal", title: null },
      x: {
        field: "accuracy",
        type: "quantitative",
        scale: { domain: [Math.max(0, Math.floor(low * 100 - 1) / 100), 1] },
        axis: { format: ".1%" },
      },
      color: { field: "source", type: "nominal", title: null },
      tooltip: [{ field: "arch" }, { field: "source" }, { field: "accuracy", format: ".2%" }],
    },
  } as TopLevelSpec);
}

function speedSvg(rows: ComparisonReportRow[]): Promise<string> {
  return vegaLiteToSvg({
    title: "Seconds per epoch (images per second in the tooltip)",
    width: 420,
    height: 28 * rows.length,
    data: {
      values: rows.map((r) => ({
        arch: r.arch,
        seconds: r.secondsPerEpoch,
        ips: r.imagesPerSecond,
      })),
    },
    mark: "bar",
    encoding: {
      y: { field: "arch", type: "nominal", title: null, sort: rows.map((r) => r.arch) },
      x: { field: "seconds", type: "quantitative", title: "seconds per epoch" },
      tooltip: [{ field: "arch" }, { field: "seconds", format: ".1f" }, {
        field: "ips",
        format: ",.0f",
      }],
    },
  } as TopLevelSpec);
}

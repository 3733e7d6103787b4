/**
 * `writeReport`: one self-contained `report.html` for a trained model, with every analysis
 * view (charts inline, no network needed to open it from disk), the metrics and the recipe,
 * plus each chart as a PNG beside it.
 *
 * Requires `--allow-write` for `outDir` and `--allow-read` for `node_modules/` and fonts.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Evaluation } from "../evaluate/types.ts";
import { IMAGE_PIXELS, type MnistSplit } from "../data/types.ts";
import type { ModelMetadata } from "../models/metadata.ts";
import type { FileWriter } from "../fs/replace_dir.ts";
import type { FontFile } from "../image/svg_to_png.ts";
import { escapeHtml, htmlKeyValue, htmlPage, htmlTable } from "./_html.ts";
import { type ReportFiles, type ReportFolder, reportFolder } from "./_chart_files.ts";
import { renderSampleGridSvg, sampleGrid } from "./sample_grid.ts";
import { misclassified, renderMisclassifiedSvg, wrongCountText } from "./misclassified.ts";
import { confusionMatrix, renderConfusionMatrixSvg } from "./confusion_matrix.ts";
import { renderTrainingHistorySvg, trainingHistory } from "./training_history.ts";
import { firstLayerFilters, renderFiltersSvg } from "./first_layer_filters.ts";
import { probabilitiesOf, renderProbabilitiesSvg } from "./probabilities.ts";
import { modelSummaryHtml } from "./model_summary_table.ts";

/** Options for {@linkcode writeReport}. */
export interface WriteReportOptions {
  /** The trained model (for its summary and filters). */
  model: tf.LayersModel;
  /** Its metadata (recipe, history, dataset hashes). */
  metadata: ModelMetadata;
  /** Its evaluation on `testSplit`, with per-sample predictions. */
  evaluation: Evaluation;
  /** The evaluated split (for the digits' pixels). */
  testSplit: MnistSplit;
  /** Folder for `report.html` and the PNGs (created if needed). */
  outDir: string;
  /** Wrong digits drawn, most confident first. @default 100 */
  misclassifiedLimit?: number;
  /** Random samples drawn. @default 20 */
  sampleCount?: number;
  /** Seed of the random samples. @default 0 */
  seed?: number;
  /** Fonts for the PNGs' text. @default DEFAULT_FONTS */
  fonts?: readonly FontFile[];
  /** Writes each file. Tests inject a failing one to simulate a full disk.
   * @default {Deno.writeFile} */
  writeFile?: FileWriter;
}

export type { ReportFiles };

/**
 * Renders every view and writes `report.html` plus one PNG per chart into `outDir`. The files
 * are swapped in together, like a checkpoint: a failure (a full disk) leaves the previous
 * report whole.
 *
 * @param options Model, metadata, evaluation, split and output folder.
 * @returns The paths written.
 * @throws {ModelFileError} when another process is writing the folder.
 *
 * @example
 * ```ts ignore
 * const { model, metadata } = await loadModel("models/cnn-deep");
 * const data = await loadMnist();
 * const evaluation = await evaluateModel(model, data.test);
 * await writeReport({ model, metadata, evaluation, testSplit: data.test, outDir: "reports/cnn-deep" });
 * ```
 */
export async function writeReport(options: WriteReportOptions): Promise<ReportFiles> {
  const { model, metadata, evaluation, testSplit, outDir, fonts, writeFile } = options;
  const folder = reportFolder(outDir, { fonts, writeFile });
  const chart = folder.chart;
  const wrong = misclassified(evaluation, { sort: "confidence" });
  const cm = confusionMatrix(evaluation);
  const samples = sampleGrid(testSplit, {
    count: Math.min(options.sampleCount ?? 20, testSplit.count),
    seed: options.seed ?? 0,
  });
  const sections = [
    { id: "metrics", title: "Test metrics", html: metricsHtml(evaluation, wrong.items.length) },
    { id: "recipe", title: "Recipe", html: recipeHtml(metadata) },
    { id: "summary", title: "Model summary", html: modelSummaryHtml(model) },
    { id: "history", title: "Training history", html: await historyHtml(metadata, chart) },
    {
      id: "samples",
      title: "Sample digits",
      html: await chart(
        "samples",
        renderSampleGridSvg(samples, testSplit),
        "Test digits with labels",
      ),
    },
    {
      id: "misclassified",
      title: `Misclassified: ${wrongCountText(wrong)}`,
      html: await chart(
        "misclassified",
        renderMisclassifiedSvg(wrong, testSplit, { limit: options.misclassifiedLimit ?? 100 }),
        "Wrongly predicted test digits",
      ),
    },
    {
      id: "confusion",
      title: "Confusion matrix",
      html: await chart("confusion_matrix", renderConfusionMatrixSvg(cm), "Confusion matrix"),
    },
    { id: "filters", title: "First-layer filters", html: await filtersHtml(model, chart) },
    {
      id: "probabilities",
      title: "Class probabilities",
      html: await probabilitiesHtml(evaluation, testSplit, wrong.items[0]?.index, chart),
    },
  ];
  return await folder.commit(htmlPage(`MNIST report: ${metadata.arch}`, sections));
}

type Chart = ReportFolder["chart"];

function historyHtml(metadata: ModelMetadata, chart: Chart): Promise<string> | string {
  if (metadata.history.length === 0) return "<p>No training history was saved.</p>";
  return chart(
    "training_history",
    renderTrainingHistorySvg(trainingHistory([{ run: metadata.arch, history: metadata.history }])),
    "Loss and accuracy per epoch",
  );
}

/** The probabilities of the most confidently wrong digit (`wrongIndex`), else of digit 0. */
async function probabilitiesHtml(
  evaluation: Evaluation,
  testSplit: MnistSplit,
  wrongIndex: number | undefined,
  chart: Chart,
): Promise<string> {
  const probe = wrongIndex ?? 0;
  const figure = await chart(
    "probabilities",
    renderProbabilitiesSvg(
      probabilitiesOf(evaluation, probe),
      testSplit.images.subarray(probe * IMAGE_PIXELS, (probe + 1) * IMAGE_PIXELS),
    ),
    `Probabilities of test sample ${probe}`,
  );
  const which = wrongIndex === undefined
    ? "the first test digit"
    : "the most confidently wrong prediction";
  return `${figure}<p>Test sample ${probe}: ${which}.</p>`;
}

function metricsHtml(evaluation: Evaluation, wrong: number): string {
  return htmlTable(["Accuracy", "Loss", "Wrong", "Test samples"], [[
    `${(evaluation.accuracy * 100).toFixed(2)} %`,
    evaluation.loss.toFixed(4),
    wrong.toLocaleString("en-US"),
    evaluation.count.toLocaleString("en-US"),
  ]], "metrics");
}

function recipeHtml(m: ModelMetadata): string {
  const rows: [string, string | number][] = [
    ["Architecture", m.arch],
    ["Optimizer", `${m.recipe.optimizer} (learning rate ${m.recipe.learningRate})`],
    ["Batch size", m.recipe.batchSize],
    ["Epochs", `${m.epochsCompleted} of ${m.recipe.epochs}`],
    ["Training samples", m.trainCount.toLocaleString("en-US")],
    ["Validation split", m.validation],
    ["Seed", m.seed ?? "none"],
    ["Backend", m.backend],
    ["Saved", m.date],
    ...Object.entries(m.datasetSha256).map((
      [file, sha],
    ): [string, string] => [`SHA-256 ${file}`, sha]),
  ];
  return htmlKeyValue(rows, "recipe");
}

async function filtersHtml(model: tf.LayersModel, chart: Chart): Promise<string> {
  try {
    const filters = await firstLayerFilters(model);
    return await chart("filters", renderFiltersSvg(filters), "First-layer filters");
  } catch (error) {
    return `<p>${escapeHtml(error instanceof Error ? error.message : String(error))}</p>`;
  }
}

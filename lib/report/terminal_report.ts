/**
 * The report drawn in the terminal (`deno task report --terminal`): the same views as
 * `report.html`, as text and half-block digits, for a quick look without opening files.
 *
 * @module
 */
import { renderSummary, summarize } from "../models/summarize.ts";
import { confusionMatrix, formatConfusionMatrix } from "./confusion_matrix.ts";
import { misclassified } from "./misclassified.ts";
import { formatTrainingHistory } from "./training_history.ts";
import { formatProbabilities, probabilitiesOf } from "./probabilities.ts";
import { firstLayerFilters } from "./first_layer_filters.ts";
import {
  filtersToTerminal,
  misclassifiedToTerminal,
  type TerminalOptions,
} from "./terminal_views.ts";
import { tilesPerRow } from "./terminal_preview.ts";
import type { WriteReportOptions } from "./write_report.ts";

/**
 * Renders the report as terminal text: recipe and metrics, model summary, history, confusion
 * matrix, one row of the most confident mistakes, the probabilities of the worst one, and
 * the first-layer filters.
 *
 * @param input The same model, metadata, evaluation and split as `writeReport` (no folder).
 * @param terminal Width and colour mode.
 * @returns Text to print.
 */
export async function terminalReport(
  input: Omit<WriteReportOptions, "outDir">,
  terminal: TerminalOptions,
): Promise<string> {
  const { model, metadata, evaluation, testSplit } = input;
  const r = metadata.recipe;
  const wrong = misclassified(evaluation, { sort: "confidence" });
  const heading = (title: string) => `\n== ${title} ==`;
  const parts = [
    `MNIST report: ${metadata.arch} · ${r.optimizer} lr ${r.learningRate} · batch ${r.batchSize} · ` +
    `${metadata.epochsCompleted}/${r.epochs} epochs · backend ${metadata.backend}`,
    `Test accuracy ${(evaluation.accuracy * 100).toFixed(2)} % · loss ${
      evaluation.loss.toFixed(4)
    } · ` +
    `${wrong.items.length.toLocaleString("en-US")} of ${
      evaluation.count.toLocaleString("en-US")
    } wrong`,
    heading("Model summary"),
    renderSummary(summarize(model)),
    heading("Training history"),
    metadata.history.length > 0 ? formatTrainingHistory(metadata.history) : "(no history saved)",
    heading("Confusion matrix"),
    formatConfusionMatrix(confusionMatrix(evaluation)),
    heading("Most confident mistakes"),
    misclassifiedToTerminal(wrong, testSplit, { ...terminal, limit: tilesPerRow(terminal.width) }),
  ];
  const worst = wrong.items[0];
  if (worst !== undefined) {
    parts.push(heading(`Probabilities of test sample #${worst.index}`));
    parts.push(formatProbabilities(probabilitiesOf(evaluation, worst.index)));
  }
  try {
    const filters = await firstLayerFilters(model);
    parts.push(heading("First-layer filters"), filtersToTerminal(filters, terminal));
  } catch (error) {
    parts.push(
      heading("First-layer filters"),
      error instanceof Error ? error.message : String(error),
    );
  }
  return parts.join("\n");
}

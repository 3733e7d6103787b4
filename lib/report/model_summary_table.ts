/**
 * The model summary view (seeds 000–004): the Keras-style layer table from `summarize`, as
 * HTML for the report (the terminal uses `renderSummary`).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { formatCount, summarize } from "../models/summarize.ts";
import { escapeHtml, htmlTable } from "./_html.ts";

/**
 * Renders a model's layer table (layer, type, output shape, parameters) with its totals.
 *
 * @param model A built layers model.
 * @returns An HTML fragment.
 *
 * @example
 * ```ts
 * import { modelSummaryHtml } from "./model_summary_table.ts";
 * import { buildModel } from "../models/build_model.ts";
 * const html = modelSummaryHtml(buildModel("cnn-basic", { seed: 1 }));
 * if (!html.includes("63,050")) throw new Error("missing total");
 * ```
 */
export function modelSummaryHtml(model: tf.LayersModel): string {
  const summary = summarize(model);
  const rows = summary.rows.map((r) => [r.name, r.type, r.outputShape, formatCount(r.params)]);
  return htmlTable(["Layer", "Type", "Output shape", "Params"], rows, "summary") +
    `<p>Total params: <b>${escapeHtml(formatCount(summary.totalParams))}</b> · trainable ` +
    `${escapeHtml(formatCount(summary.trainableParams))}</p>`;
}

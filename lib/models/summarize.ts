/**
 * A Keras-style model summary as data, and its text rendering.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "./build_model.ts";
import type { ArchitectureInput } from "./resolve_architecture.ts";

/** One row of a summary. */
export interface SummaryRow {
  /** Layer name, e.g. `conv2d_1`. */
  name: string;
  /** Layer class, e.g. `Conv2D`. */
  type: string;
  /** Output shape with `None` for the batch, e.g. `(None, 26, 26, 32)`. */
  outputShape: string;
  /** Parameter count of the layer. */
  params: number;
}

/** A model summary. */
export interface ModelSummary {
  /** The model's name. */
  name: string;
  /** One row per layer. */
  rows: SummaryRow[];
  /** All parameters. */
  totalParams: number;
  /** Trainable parameters. */
  trainableParams: number;
}

function formatShape(shape: tf.Shape | tf.Shape[]): string {
  const one = (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
  return `(${one.map((d) => (d === null ? "None" : String(d))).join(", ")})`;
}

function countOf(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/**
 * Summarises a layers model, or an architecture (built here, so a backend must be active):
 * one row per layer and the parameter totals.
 *
 * @param model A built layers model (e.g. from `buildModel`), or what `buildModel` takes: a
 *   registry name, a Keras / tfjs model JSON, an `Architecture` value.
 * @returns The summary as data; {@linkcode renderSummary} prints it as Keras does.
 *
 * @example
 * ```ts
 * import { summarize } from "./summarize.ts";
 * import { buildModel } from "./build_model.ts";
 * import assert from "node:assert/strict";
 *
 * const summary = summarize(buildModel("cnn-deep"));
 * assert.equal(summary.totalParams, 93_322);
 * assert.equal(summary.rows[0]!.outputShape, "(None, 26, 26, 32)");
 * ```
 */
export function summarize(model: tf.LayersModel | ArchitectureInput): ModelSummary {
  if (!(model instanceof tf.LayersModel)) {
    const built = buildModel(model);
    try {
      return summarize(built);
    } finally {
      built.dispose();
    }
  }
  const rows = model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: formatShape(layer.outputShape),
    params: layer.countParams(),
  }));
  return {
    name: model.name,
    rows,
    totalParams: rows.reduce((sum, r) => sum + r.params, 0),
    trainableParams: countOf(model.trainableWeights),
  };
}

/** Formats an integer with thousands separators, as Keras does (`93,322`). */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Renders a summary as Keras prints it, ending with the `Total params: …` lines.
 *
 * @param summary A summary from {@linkcode summarize}.
 * @returns The text, lines joined with `\n`.
 *
 * @example
 * ```ts
 * import { renderSummary, summarize } from "./summarize.ts";
 * import { buildModel } from "./build_model.ts";
 * import assert from "node:assert/strict";
 *
 * assert.match(renderSummary(summarize(buildModel("cnn-deep"))), /Total params: 93,322/);
 * ```
 */
export function renderSummary(summary: ModelSummary): string {
  const header = ["Layer (type)", "Output Shape", "Param #"];
  const cells = summary.rows.map((r) => [
    `${r.name} (${r.type})`,
    r.outputShape,
    formatCount(r.params),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)) + 3);
  const line = (c: string[]): string => c.map((s, i) => s.padEnd(widths[i]!)).join("").trimEnd();
  const rule = (ch: string): string => ch.repeat(widths.reduce((a, b) => a + b, 0));
  return [
    `Model: "${summary.name}"`,
    rule("_"),
    line(header),
    rule("="),
    ...cells.flatMap((c, i) => (i === 0 ? [line(c)] : [rule("_"), line(c)])),
    rule("="),
    `Total params: ${formatCount(summary.totalParams)}`,
    `Trainable params: ${formatCount(summary.trainableParams)}`,
    `Non-trainable params: ${formatCount(summary.totalParams - summary.trainableParams)}`,
    rule("_"),
  ].join("\n");
}

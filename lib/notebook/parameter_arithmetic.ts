/**
 * Where each layer's parameter count comes from, written out as seed 002 explains it
 * ("32 × 25 × 1 + 32 = 832"): weights per filter or unit times their count, plus one bias
 * each. In a Jupyter notebook the result shows itself as a Markdown table.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { withJupyterDisplay } from "../report/_jupyter.ts";
import { formatCount } from "../models/summarize.ts";

/** One layer's count and how it arises. */
export interface ParameterRow {
  /** Layer name. */
  layer: string;
  /** Layer class, e.g. `Conv2D`. */
  type: string;
  /** The arithmetic, e.g. `32 filters × (3 × 3 × 1) + 32 biases = 320`. */
  formula: string;
  /** The layer's parameter count. */
  params: number;
}

/** Every layer's arithmetic and the total. */
export interface ParameterArithmetic {
  /** One row per layer, in model order. */
  rows: ParameterRow[];
  /** Sum over the layers (equals `model.countParams()`). */
  total: number;
}

function formulaOf(layer: tf.layers.Layer, params: number): string {
  const shapes = layer.weights.map((w) => w.shape.map((d) => d ?? 1));
  const [kernel, bias] = shapes;
  const total = ` = ${formatCount(params)}`;
  if (kernel === undefined) return "no weights: 0";
  const biasText = bias === undefined ? "" : ` + ${formatCount(bias[0]!)} biases`;
  if (layer.getClassName() === "Conv2D" && kernel.length === 4) {
    const [kh, kw, channels, filters] = kernel as [number, number, number, number];
    return `${filters} filters × (${kh} × ${kw} × ${channels} channels)${biasText}${total}`;
  }
  if (layer.getClassName() === "Dense" && kernel.length === 2) {
    const [inputs, units] = kernel as [number, number];
    return `${formatCount(units)} units × ${formatCount(inputs)} inputs${biasText}${total}`;
  }
  return shapes.map((s) => s.map(formatCount).join(" × ")).join(" + ") + total;
}

/**
 * Explains each layer's parameter count of a built model.
 *
 * @param model A built layers model.
 * @returns One row per layer and the total.
 *
 * @example seed 002's first conv layer
 * ```ts
 * import { parameterArithmetic } from "./parameter_arithmetic.ts";
 * import { buildModel } from "../models/build_model.ts";
 * import assert from "node:assert/strict";
 *
 * const { rows, total } = parameterArithmetic(buildModel("cnn-wide", { seed: 1 }));
 * assert.equal(rows[0]!.formula, "32 filters × (5 × 5 × 1 channels) + 32 biases = 832");
 * assert.equal(total, 592_074);
 * ```
 */
export function parameterArithmetic(model: tf.LayersModel): ParameterArithmetic {
  const rows = model.layers.map((layer) => {
    const params = layer.countParams();
    return {
      layer: layer.name,
      type: layer.getClassName(),
      formula: formulaOf(layer, params),
      params,
    };
  });
  const result = { rows, total: rows.reduce((sum, r) => sum + r.params, 0) };
  const totalLine = `Total: ${formatCount(result.total)} parameters`;
  return withJupyterDisplay(result, () => ({
    "text/markdown": [
      "| layer | type | parameters |",
      "| --- | --- | --- |",
      ...rows.map((r) => `| ${r.layer} | ${r.type} | ${r.formula} |`),
      `| **total** | | **${formatCount(result.total)}** |`,
    ].join("\n"),
    "text/plain": [...rows.map((r) => `${r.layer} (${r.type}): ${r.formula}`), totalLine]
      .join("\n"),
  }));
}

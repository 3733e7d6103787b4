/**
 * The probabilities view (seeds 002 and 003): one digit and the model's 10-class probability
 * vector as a bar chart, the prediction highlighted.
 *
 * @module
 */
import type { Evaluation } from "../evaluate/types.ts";
import { IMAGE_PIXELS, type MnistSplit, NUM_CLASSES } from "../data/types.ts";
import { encodePng, pngDataUri } from "../image/png.ts";
import { withJupyterDisplay } from "./_jupyter.ts";
import { type TopLevelSpec, vegaLiteToSvg } from "./_vega.ts";
import { PREDICTED_COLOR, TRUE_COLOR } from "./misclassified.ts";

/** The data of the probabilities view. */
export interface Probabilities {
  /** Sample index, when the digit comes from a split. */
  index?: number;
  /** True label, when known. */
  label?: number;
  /** Argmax class. */
  predicted: number;
  /** The 10 probabilities. */
  probabilities: number[];
}

/**
 * Picks sample `index` of an evaluation. In a Jupyter notebook the result shows itself as the
 * bar chart beside the digit when `split` is given (text bars otherwise, and for text-only
 * frontends).
 *
 * @param evaluation Per-sample probabilities.
 * @param index Sample index.
 * @param split The evaluated split, for the digit's pixels in the notebook display.
 * @returns The sample's probability vector, label and prediction.
 * @throws {RangeError} when the index is outside the evaluation.
 *
 * @example
 * ```ts
 * import { probabilitiesOf } from "./probabilities.ts";
 * const probabilities = new Float32Array(10);
 * probabilities[7] = 1;
 * const view = probabilitiesOf({ loss: 0, accuracy: 1, count: 1, wrong: 0, probabilities,
 *   labels: new Uint8Array([7]), predictions: new Uint8Array([7]) }, 0);
 * if (view.predicted !== 7 || view.probabilities.length !== 10) throw new Error();
 * ```
 */
export function probabilitiesOf(
  evaluation: Evaluation,
  index: number,
  split?: MnistSplit,
): Probabilities {
  if (!Number.isInteger(index) || index < 0 || index >= evaluation.count) {
    throw new RangeError(`Sample index must be within 0–${evaluation.count - 1}, got ${index}`);
  }
  const row = evaluation.probabilities.subarray(index * NUM_CLASSES, (index + 1) * NUM_CLASSES);
  const view = {
    index,
    label: evaluation.labels[index]!,
    predicted: evaluation.predictions[index]!,
    probabilities: Array.from(row),
  };
  const pixels = split?.images.subarray(index * IMAGE_PIXELS, (index + 1) * IMAGE_PIXELS);
  return withJupyterDisplay(view, async () => ({
    ...(pixels ? { "image/svg+xml": await renderProbabilitiesSvg(view, pixels) } : {}),
    "text/plain": formatProbabilities(view),
  }));
}

/**
 * Draws the 28×28 digit beside the bar chart of its probabilities, as SVG. The predicted bar
 * is red when wrong, the true label's bar blue.
 *
 * @param view The probabilities.
 * @param pixels The digit's 784 pixels (0 = background).
 * @returns An SVG document.
 */
export function renderProbabilitiesSvg(view: Probabilities, pixels: Uint8Array): Promise<string> {
  const url = pngDataUri(encodePng({ width: 28, height: 28, channels: 1, data: pixels }));
  const bars = view.probabilities.map((p, c) => ({
    digit: `${c}`,
    p,
    role: c === view.label ? "true label" : c === view.predicted ? "predicted" : "other",
  }));
  const name = view.index === undefined ? "Your digit" : `Test sample #${view.index}`;
  const truth = view.label === undefined ? "" : `, label ${view.label}`;
  const spec = {
    title: `${name}: predicted ${view.predicted} (${
      (view.probabilities[view.predicted]! * 100).toFixed(1)
    }%)${truth}`,
    hconcat: [{
      width: 140,
      height: 140,
      data: { values: [{ url }] },
      mark: { type: "image", width: 140, height: 140, aspect: false, smooth: false },
      encoding: { url: { field: "url", type: "nominal" } },
    }, {
      width: 300,
      height: 140,
      data: { values: bars },
      mark: "bar",
      encoding: {
        x: { field: "digit", type: "ordinal", axis: { labelAngle: 0 }, title: "class" },
        y: { field: "p", type: "quantitative", scale: { domain: [0, 1] }, title: "probability" },
        color: {
          field: "role",
          type: "nominal",
          scale: {
            domain: ["true label", "predicted", "other"],
            range: [TRUE_COLOR, PREDICTED_COLOR, "#9aa5b1"],
          },
        },
        tooltip: [{ field: "digit" }, { field: "p", format: ".4f" }],
      },
    }],
  } as TopLevelSpec;
  return vegaLiteToSvg(spec);
}

/**
 * The probabilities as text bars for the terminal.
 *
 * @param view The probabilities.
 * @returns Ten lines like `7  0.9812  ████████████████████ ←`.
 */
export function formatProbabilities(view: Probabilities): string {
  return view.probabilities.map((p, c) => {
    const bar = "█".repeat(Math.round(p * 30));
    const mark = c === view.predicted ? " ← predicted" : "";
    const truth = c === view.label && c !== view.predicted ? " ← label" : "";
    return `${c}  ${p.toFixed(4)}  ${bar}${mark}${truth}`;
  }).join("\n");
}

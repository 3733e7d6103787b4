/**
 * The misclassified view (seeds 000–002): how many test digits the model gets wrong
 * ("112 of 10,000") and a grid of them with the true label in blue and the prediction in red
 * (seed 001's convention), optionally the most confidently wrong first.
 *
 * @module
 */
import type { Evaluation } from "../evaluate/types.ts";
import type { MnistSplit } from "../data/types.ts";
import { NUM_CLASSES } from "../data/types.ts";
import { digitTile } from "../image/tile_grid.ts";
import { digitGridSvg } from "./_digit_grid_svg.ts";
import { withJupyterDisplay } from "./_jupyter.ts";

/** Colour of true labels (seed 001). */
export const TRUE_COLOR = "#1f4fd1";
/** Colour of wrong predictions (seed 001). */
export const PREDICTED_COLOR = "#d62728";

/** One wrong prediction. */
export interface MisclassifiedItem {
  /** Sample index in the split. */
  index: number;
  /** True label. */
  label: number;
  /** Predicted class. */
  predicted: number;
  /** Probability the model gave its (wrong) prediction. */
  confidence: number;
  /** Probability the model gave the true label. */
  labelProbability: number;
}

/** The data of the misclassified view. */
export interface Misclassified {
  /** Samples evaluated. */
  total: number;
  /** Every wrong prediction, in the requested order. */
  items: MisclassifiedItem[];
}

/** Options for {@linkcode misclassified}. */
export interface MisclassifiedOptions {
  /**
   * `index` keeps test order; `confidence` puts the most confidently wrong first.
   * @default "index"
   */
  sort?: "index" | "confidence";
  /**
   * The evaluated split: given, the result shows itself in a Jupyter notebook as the grid of
   * wrong digits (the first `limit`); without it, as text only.
   * @default none
   */
  split?: MnistSplit;
  /**
   * How many wrong digits the notebook display draws.
   * @default 100
   */
  limit?: number;
}

/**
 * Lists the samples whose prediction differs from the label.
 *
 * @param evaluation Per-sample predictions from `evaluateModel`.
 * @param options Sort order, and the split's pixels for the notebook display.
 * @returns Total and the wrong predictions.
 *
 * @example
 * ```ts
 * import { misclassified } from "./misclassified.ts";
 * const probabilities = new Float32Array(20);
 * probabilities[3] = 1; // sample 0 → 3
 * probabilities[10 + 5] = 1; // sample 1 → 5
 * const view = misclassified({
 *   loss: 0, accuracy: 0.5, count: 2, wrong: 1, probabilities,
 *   labels: new Uint8Array([3, 6]), predictions: new Uint8Array([3, 5]),
 * });
 * if (view.items.length !== 1 || view.items[0]!.index !== 1) throw new Error();
 * ```
 */
export function misclassified(
  evaluation: Evaluation,
  options: MisclassifiedOptions = {},
): Misclassified {
  const { labels, predictions, probabilities, count } = evaluation;
  const items: MisclassifiedItem[] = [];
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    const predicted = predictions[i]!;
    if (label === predicted) continue;
    items.push({
      index: i,
      label,
      predicted,
      confidence: probabilities[i * NUM_CLASSES + predicted]!,
      labelProbability: probabilities[i * NUM_CLASSES + label]!,
    });
  }
  if (options.sort === "confidence") items.sort((a, b) => b.confidence - a.confidence);
  const view = { total: count, items };
  const { split, limit = 100 } = options;
  return withJupyterDisplay(view, async () => ({
    ...(split ? { "image/svg+xml": await renderMisclassifiedSvg(view, split, { limit }) } : {}),
    "text/plain": misclassifiedText(view, Math.min(limit, 20)),
  }));
}

/** The count and the first `shown` mistakes, one per line, for text-only frontends. */
function misclassifiedText(view: Misclassified, shown: number): string {
  const lines = view.items.slice(0, shown).map((item) =>
    `#${item.index}: true ${item.label} → predicted ${item.predicted} (${
      Math.round(item.confidence * 100)
    }%)`
  );
  const more = view.items.length > shown ? [`… and ${view.items.length - shown} more`] : [];
  return [`${wrongCountText(view)} wrong`, ...lines, ...more].join("\n");
}

/**
 * The count as the seeds print it.
 *
 * @param view The misclassified view.
 * @returns e.g. `112 of 10,000`.
 *
 * @example
 * ```ts
 * import { wrongCountText } from "./misclassified.ts";
 * if (wrongCountText({ total: 10000, items: [] }) !== "0 of 10,000") throw new Error();
 * ```
 */
export function wrongCountText(view: Misclassified): string {
  return `${view.items.length.toLocaleString("en-US")} of ${view.total.toLocaleString("en-US")}`;
}

/**
 * Draws the first `limit` wrong digits, the true label (blue) left, the prediction (red)
 * right and its probability between them, as SVG.
 *
 * @param view The misclassified view.
 * @param split The evaluated split (for the pixels).
 * @param layout Number shown, tiles per row, magnification.
 * @returns An SVG document.
 */
export function renderMisclassifiedSvg(
  view: Misclassified,
  split: MnistSplit,
  layout: { limit?: number; columns?: number; scale?: number } = {},
): Promise<string> {
  const shown = view.items.slice(0, layout.limit ?? 100);
  const tiles = shown.map((item) => ({
    image: digitTile(split.images, item.index),
    captions: [
      { text: `${item.label}`, color: TRUE_COLOR, align: "left" as const },
      { text: `${Math.round(item.confidence * 100)}%`, color: "#888", align: "center" as const },
      { text: `${item.predicted}`, color: PREDICTED_COLOR, align: "right" as const },
    ],
  }));
  const more = view.items.length > shown.length ? `, first ${shown.length} shown` : "";
  return digitGridSvg(tiles, {
    columns: layout.columns ?? 10,
    scale: layout.scale ?? 2,
    title: `${wrongCountText(view)} wrong${more} (true label blue, predicted red)`,
  });
}

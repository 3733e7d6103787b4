/**
 * The confusion matrix view (seed 003): counts of true label × predicted class, with each
 * class's recall (row) and precision (column), as a heatmap and as a terminal table.
 *
 * @module
 */
import type { Evaluation } from "../evaluate/types.ts";
import { NUM_CLASSES } from "../data/types.ts";
import { withJupyterDisplay } from "./_jupyter.ts";
import { type TopLevelSpec, vegaLiteToSvg } from "./_vega.ts";

/** The data of the confusion matrix view. */
export interface ConfusionMatrix {
  /** `counts[trueLabel][predicted]`, 10 × 10. */
  counts: number[][];
  /** Samples counted. */
  total: number;
  /** Correct predictions (the diagonal's sum). */
  correct: number;
  /** Per class: correct / samples with that label (NaN when the class is absent). */
  recall: number[];
  /** Per class: correct / samples predicted as that class (NaN when never predicted). */
  precision: number[];
}

/**
 * Counts true label × predicted class. In a Jupyter notebook the result shows itself as the
 * heatmap (SVG, with the text table for text-only frontends).
 *
 * @param evaluation Per-sample labels and predictions.
 * @returns Counts, recall and precision.
 *
 * @example
 * ```ts
 * import { confusionMatrix } from "./confusion_matrix.ts";
 * const cm = confusionMatrix({
 *   loss: 0, accuracy: 2 / 3, count: 3, wrong: 1, probabilities: new Float32Array(30),
 *   labels: new Uint8Array([1, 1, 2]), predictions: new Uint8Array([1, 2, 2]),
 * });
 * if (cm.counts[1]![2] !== 1 || cm.recall[1] !== 0.5 || cm.precision[2] !== 0.5) throw new Error();
 * ```
 */
export function confusionMatrix(evaluation: Evaluation): ConfusionMatrix {
  const counts = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
  for (let i = 0; i < evaluation.count; i++) {
    counts[evaluation.labels[i]!]![evaluation.predictions[i]!]! += 1;
  }
  const diagonal = counts.map((row, c) => row[c]!);
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const colSums = counts[0]!.map((_, c) => counts.reduce((sum, row) => sum + row[c]!, 0));
  const cm = {
    counts,
    total: evaluation.count,
    correct: diagonal.reduce((a, b) => a + b, 0),
    recall: diagonal.map((d, c) => d / rowSums[c]!),
    precision: diagonal.map((d, c) => d / colSums[c]!),
  };
  return withJupyterDisplay(cm, async () => ({
    "image/svg+xml": await renderConfusionMatrixSvg(cm),
    "text/plain": formatConfusionMatrix(cm),
  }));
}

const percent = (v: number): string => Number.isNaN(v) ? "–" : `${(v * 100).toFixed(1)}%`;

/**
 * Draws the heatmap with the counts in each cell, a recall column on the right and a
 * precision row at the bottom, as SVG.
 *
 * @param cm The confusion matrix.
 * @returns An SVG document.
 */
export function renderConfusionMatrixSvg(cm: ConfusionMatrix): Promise<string> {
  const classes = Array.from({ length: NUM_CLASSES }, (_, c) => `${c}`);
  const cells = cm.counts.flatMap((row, t) =>
    row.map((count, p) => ({
      actual: `${t}`,
      predicted: `${p}`,
      count,
      // Off-diagonal errors are few, so colour on a log scale to make them visible.
      shade: Math.log10(1 + count),
      text: count === 0 ? "" : `${count}`,
      light: Math.log10(1 + count) > 0.6 * Math.log10(1 + Math.max(...cm.counts.flat())),
    }))
  );
  const extras = [
    ...cm.recall.map((r, t) => ({ actual: `${t}`, predicted: "recall", text: percent(r) })),
    ...cm.precision.map((p, c) => ({ actual: "precision", predicted: `${c}`, text: percent(p) })),
  ];
  const x = { field: "predicted", type: "ordinal", scale: { domain: [...classes, "recall"] } };
  const y = { field: "actual", type: "ordinal", scale: { domain: [...classes, "precision"] } };
  const spec = {
    title: `Confusion matrix: ${cm.correct.toLocaleString("en-US")} of ${
      cm.total.toLocaleString("en-US")
    } correct`,
    width: 440,
    height: 440,
    layer: [{
      data: { values: cells },
      mark: "rect",
      encoding: {
        x: { ...x, title: "predicted class", axis: { orient: "top", labelAngle: 0 } },
        y: { ...y, title: "true label" },
        color: {
          field: "shade",
          type: "quantitative",
          scale: { range: ["#f7fbff", "#08306b"] },
          legend: null,
        },
        tooltip: [{ field: "count" }],
      },
    }, {
      data: { values: [...cells, ...extras.map((e) => ({ ...e, light: false }))] },
      mark: { type: "text", fontSize: 11 },
      encoding: {
        x,
        y,
        text: { field: "text" },
        color: {
          field: "light",
          type: "nominal",
          scale: { domain: [false, true], range: ["#222", "white"] },
          legend: null,
        },
      },
    }],
  } as TopLevelSpec;
  return vegaLiteToSvg(spec);
}

/**
 * Renders the matrix as a plain-text table for the terminal.
 *
 * @param cm The confusion matrix.
 * @returns Lines of text: rows are true labels, columns predictions, then recall/precision.
 */
export function formatConfusionMatrix(cm: ConfusionMatrix): string {
  const width = Math.max(6, `${Math.max(...cm.counts.flat())}`.length + 1);
  const cell = (s: string) => s.padStart(width);
  const header = "true\\pred " + cm.counts.map((_, c) => cell(`${c}`)).join("") + "  recall";
  const rows = cm.counts.map((row, t) =>
    `${`${t}`.padStart(9)} ` + row.map((n) => cell(`${n}`)).join("") +
    `  ${percent(cm.recall[t]!).padStart(6)}`
  );
  const precision = "precision " +
    cm.precision.map((p) => cell(percent(p).replace("%", ""))).join("");
  return [header, ...rows, precision + "  (%)"].join("\n");
}

/**
 * The training history view (seed 002): loss and accuracy per epoch, training vs validation,
 * from the saved history. Several runs can be overlaid (compare-models), one colour each.
 *
 * @module
 */
import type { EpochLog } from "../runner/epoch_log.ts";
import { withJupyterDisplay } from "./_jupyter.ts";
import { type TopLevelSpec, vegaLiteToSvg } from "./_vega.ts";

/** One point of a curve. */
export interface HistoryPoint {
  /** The run it belongs to (architecture name when comparing). */
  run: string;
  /** 1-based epoch. */
  epoch: number;
  /** Which curve. */
  metric: "loss" | "accuracy";
  /** Training or validation. */
  split: "train" | "validation";
  /** The value (accuracy as 0–1). */
  value: number;
}

/** A named history, e.g. one architecture's. */
export interface NamedHistory {
  /** Label of the run. */
  run: string;
  /** Its per-epoch logs. */
  history: EpochLog[];
}

/**
 * Flattens histories into curve points; validation points only where they were recorded.
 * In a Jupyter notebook the result shows itself as the loss and accuracy curves (SVG, with
 * each run's epoch table for text-only frontends).
 *
 * @param runs One or more named histories.
 * @returns Points, in run, epoch, metric, split order.
 *
 * @example
 * ```ts
 * import { trainingHistory } from "./training_history.ts";
 * const points = trainingHistory([{ run: "mlp", history: [
 *   { epoch: 1, loss: 0.3, acc: 0.9, valLoss: 0.2, valAcc: 0.94, seconds: 1, imagesPerSecond: 1 },
 * ] }]);
 * if (points.length !== 4) throw new Error();
 * ```
 */
export function trainingHistory(runs: NamedHistory[]): HistoryPoint[] {
  const points = runs.flatMap(({ run, history }) =>
    history.flatMap((log) => {
      const points: HistoryPoint[] = [
        { run, epoch: log.epoch, metric: "loss", split: "train", value: log.loss },
        { run, epoch: log.epoch, metric: "accuracy", split: "train", value: log.acc },
      ];
      if (log.valLoss !== undefined) {
        points.push({
          run,
          epoch: log.epoch,
          metric: "loss",
          split: "validation",
          value: log.valLoss,
        });
      }
      if (log.valAcc !== undefined) {
        points.push({
          run,
          epoch: log.epoch,
          metric: "accuracy",
          split: "validation",
          value: log.valAcc,
        });
      }
      return points;
    })
  );
  const names = runs.map((r) => r.run).join(", ");
  return withJupyterDisplay(points, async () => ({
    "image/svg+xml": await renderTrainingHistorySvg(points, `Training history: ${names}`),
    "text/plain": runs.map((r) => `${r.run}\n${formatTrainingHistory(r.history)}`).join("\n\n"),
  }));
}

/**
 * Draws loss and accuracy side by side: colour = run, dashes = validation, as SVG.
 *
 * @param points Curve points from {@linkcode trainingHistory}.
 * @param title Chart title.
 * @returns An SVG document.
 */
export function renderTrainingHistorySvg(
  points: HistoryPoint[],
  title = "Training history",
): Promise<string> {
  const runs = [...new Set(points.map((p) => p.run))];
  const chart = (metric: HistoryPoint["metric"]) => {
    const x = { field: "epoch", type: "quantitative", axis: { tickMinStep: 1, format: "d" } };
    const y = {
      field: "value",
      type: "quantitative",
      title: metric,
      scale: { zero: false },
      ...(metric === "accuracy" ? { axis: { format: ".1%" } } : {}),
    };
    const color = { field: "run", type: "nominal", legend: runs.length > 1 ? {} : null };
    // Lines carry the train/validation legend (dashes); points mark each epoch, so a
    // one-epoch run still shows up.
    return {
      title: metric,
      width: 320,
      height: 220,
      transform: [{ filter: `datum.metric === '${metric}'` }],
      layer: [{
        mark: "line",
        encoding: {
          x,
          y,
          color,
          strokeDash: {
            field: "split",
            type: "nominal",
            scale: { domain: ["train", "validation"] },
          },
          detail: { field: "run" },
        },
      }, {
        mark: { type: "point", filled: true },
        encoding: {
          x,
          y,
          color,
          tooltip: [{ field: "run" }, { field: "split" }, { field: "epoch" }, { field: "value" }],
        },
      }],
    };
  };
  const spec = {
    title: { text: title, offset: 12 },
    data: { values: points },
    hconcat: [chart("loss"), chart("accuracy")],
    resolve: { scale: { y: "independent" } },
  } as TopLevelSpec;
  return vegaLiteToSvg(spec);
}

/**
 * The history as a plain-text table for the terminal.
 *
 * @param history Per-epoch logs.
 * @returns One header line and one line per epoch.
 */
export function formatTrainingHistory(history: EpochLog[]): string {
  const pct = (v: number | undefined) => v === undefined ? "     –" : `${(v * 100).toFixed(2)}%`;
  const num = (v: number | undefined) => v === undefined ? "     –" : v.toFixed(4);
  const lines = ["epoch    loss     acc  val_loss  val_acc   seconds  img/s"];
  for (const h of history) {
    lines.push(
      `${`${h.epoch}`.padStart(5)}  ${num(h.loss)}  ${pct(h.acc)}  ${num(h.valLoss).padStart(8)}  ${
        pct(h.valAcc).padStart(7)
      }  ${h.seconds.toFixed(1).padStart(8)}  ${Math.round(h.imagesPerSecond)}`,
    );
  }
  return lines.join("\n");
}

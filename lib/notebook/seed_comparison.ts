/**
 * A run's final numbers beside the ones its seed notebook reported, as the notebooks end.
 * In a Jupyter notebook the result shows itself as a Markdown table.
 *
 * @module
 */
import type { TrainResult } from "../train/types.ts";
import { withJupyterDisplay } from "../report/_jupyter.ts";

/** This run's test accuracy against each seed's. */
export interface SeedComparison {
  /** Architecture name. */
  arch: string;
  /** Test accuracy of this run (0–1). */
  accuracy: number;
  /** Wrong test predictions of this run. */
  wrong: number;
  /** Test samples evaluated. */
  testCount: number;
  /** Epochs this run trained. */
  epochs: number;
  /** The backend that trained it. */
  backend: string;
  /** Each seed notebook and the test accuracy it reported (0–1). */
  seeds: { seed: string; accuracy: number }[];
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const signed = (x: number): string => `${x < 0 ? "−" : "+"}${Math.abs(x).toFixed(2)}`;

/**
 * Lines up a training result with its seed notebooks' reported accuracies.
 *
 * @param result What `trainCnn` returned.
 * @returns The comparison.
 *
 * @example
 * ```ts ignore
 * const result = await trainCnn({ arch: "cnn-deep", seed: 1 });
 * seedComparison(result); // a notebook cell ending here shows the table
 * ```
 */
export function seedComparison(result: TrainResult): SeedComparison {
  const arch = result.architecture;
  const view = {
    arch: arch.name,
    accuracy: result.test.accuracy,
    wrong: result.test.wrong,
    testCount: result.test.count,
    epochs: result.history.length,
    backend: result.backend,
    seeds: arch.seeds.map((seed, i) => ({ seed, accuracy: arch.seedAccuracy[i]! })),
  };
  const ours = `${pct(view.accuracy)} (${view.wrong} of ${
    view.testCount.toLocaleString("en-US")
  } wrong, ${view.epochs} epoch${view.epochs === 1 ? "" : "s"}, ${view.backend})`;
  const lines = [
    ["this run", ours],
    ...view.seeds.map((s) => [
      `seed ${s.seed}`,
      `${pct(s.accuracy)} (difference ${signed((view.accuracy - s.accuracy) * 100)} pp)`,
    ]),
  ];
  return withJupyterDisplay(view, () => ({
    "text/markdown": [
      "| | test accuracy |",
      "| --- | --- |",
      ...lines.map(([a, b]) => `| ${a} | ${b} |`),
    ]
      .join("\n"),
    "text/plain": lines.map(([a, b]) => `${a}: ${b}`).join("\n"),
  }));
}

/**
 * `deno task samples`: test (or training) digits with their labels, drawn at random with a
 * seed or as a range of indices, as a PNG or in the terminal.
 *
 * @example
 * ```sh
 * deno task samples --range 1990-2009 --terminal
 * deno task samples --count 40 --seed 7 --out reports/samples.png
 * ```
 * @module
 */
import { loadMnist } from "../lib/data/load_mnist.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { choiceFlag, intFlag, stringFlag } from "../lib/cli/args.ts";
import { DATA_DIR_FLAG, dataDirFlag } from "../lib/cli/common_flags.ts";
import { UsageError } from "../lib/errors.ts";
import {
  renderSampleGridSvg,
  sampleGrid,
  type SampleSelection,
} from "../lib/report/sample_grid.ts";
import { samplesToTerminal } from "../lib/report/terminal_views.ts";
import { stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { saveChartPng } from "../lib/report/save_chart_png.ts";

const spec = {
  name: "samples",
  summary: "Show MNIST digits with their labels (random with --seed, or --range A-B).",
  flags: {
    count: { type: "string" as const, value: "N", help: "Random digits to show (default 20)" },
    seed: { type: "string" as const, value: "N", help: "Seed of the random draw (default 0)" },
    range: { type: "string" as const, value: "A-B", help: "Indices A to B, e.g. 1990-2009" },
    split: { type: "string" as const, value: "NAME", help: "test or train (default test)" },
    terminal: { type: "boolean" as const, help: "Draw in the terminal instead of writing a PNG" },
    out: { type: "string" as const, value: "FILE", help: "PNG (default reports/samples.png)" },
    "data-dir": DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const range = stringFlag(flags, "range");
  const match = range?.match(/^(\d+)\s*[-–]\s*(\d+)$/);
  if (range !== undefined && !match) {
    throw new UsageError(`--range must look like 1990-2009, got "${range}"`);
  }
  const selection: SampleSelection = match ? { from: Number(match[1]), to: Number(match[2]) } : {
    count: intFlag(flags, "count", { min: 1, max: 1000 }) ?? 20,
    seed: intFlag(flags, "seed", { min: 0 }) ?? 0,
  };
  const data = await loadMnist({ dataDir: dataDirFlag(flags) });
  const split = data[choiceFlag(flags, "split", ["test", "train"] as const) ?? "test"];
  if ("to" in selection && selection.to >= split.count) {
    throw new UsageError(`--range must lie within 0–${split.count - 1}, got "${range}"`);
  }
  if ("from" in selection && selection.from > selection.to) {
    throw new UsageError(`--range must run upwards (A ≤ B), got "${range}"`);
  }
  const grid = sampleGrid(split, selection);
  if (flags.terminal) return console.log(samplesToTerminal(grid, split, stdoutTerminal()));
  const out = stringFlag(flags, "out") ?? "reports/samples.png";
  const { width, height } = await saveChartPng(await renderSampleGridSvg(grid, split), out);
  console.log(`Wrote ${out} (${width}×${height}): ${grid.description}`);
});

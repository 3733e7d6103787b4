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
import { optionalOutFlag } from "../lib/cli/out_flag.ts";
import { choiceFlag } from "../lib/cli/args.ts";
import { DATA_DIR_FLAG, dataDirFlag } from "../lib/cli/common_flags.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import { SAMPLE_FLAGS, sampleSelectionFlag } from "../lib/cli/sample_flags.ts";
import { renderSampleGridSvg, sampleGrid } from "../lib/report/sample_grid.ts";
import { samplesToTerminal } from "../lib/report/terminal_views.ts";
import { stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { saveChartPng } from "../lib/report/save_chart_png.ts";
import { defaultTrainConfig } from "../lib/defaults.ts";

const DEFAULT_OUT = `${defaultTrainConfig().reportRoot}/samples.png`;

const spec = {
  name: "samples",
  summary: "Show MNIST digits with their labels (random with --seed, or --range A-B).",
  flags: {
    ...SAMPLE_FLAGS,
    split: { type: "string" as const, value: "NAME", help: "test or train (default test)" },
    terminal: { type: "boolean" as const, help: "Draw in the terminal instead of writing a PNG" },
    out: { type: "string" as const, value: "FILE", help: `PNG (default ${DEFAULT_OUT})` },
    "data-dir": DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const which = choiceFlag(flags, "split", ["test", "train"] as const) ?? "test";
  const { onEvent } = stderrDataLog();
  const data = await loadMnist({ dataDir: dataDirFlag(flags), onEvent, signal });
  const split = data[which];
  const grid = sampleGrid(split, sampleSelectionFlag(flags, split.count));
  if (flags.terminal) return console.log(samplesToTerminal(grid, split, stdoutTerminal()));
  const out = optionalOutFlag(flags, "reports/samples.png") ?? DEFAULT_OUT;
  const { width, height } = await saveChartPng(await renderSampleGridSvg(grid, split), out);
  console.log(`Wrote ${out} (${width}×${height}): ${grid.description}`);
});

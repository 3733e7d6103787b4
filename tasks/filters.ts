/**
 * `deno task filters`: the first layer's learned filters of a saved model (e.g. 32 3×3
 * kernels; for the MLP, its first units' weights as 28×28 images).
 *
 * @example
 * ```sh
 * deno task filters --model models/cnn-basic --terminal
 * ```
 * @module
 */
import { loadModel } from "../lib/models/save_model.ts";
import { defaultReportDir } from "../lib/defaults.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { optionalOutFlag } from "../lib/cli/out_flag.ts";
import * as common from "../lib/cli/common_flags.ts";
import { firstLayerFilters, renderFiltersSvg } from "../lib/report/first_layer_filters.ts";
import { filtersToTerminal } from "../lib/report/terminal_views.ts";
import { stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { saveChartPng } from "../lib/report/save_chart_png.ts";

const spec = {
  name: "filters",
  summary: "Show the first layer's filters of a saved model.",
  flags: {
    model: common.MODEL_FLAG,
    terminal: { type: "boolean" as const, help: "Draw in the terminal instead of writing a PNG" },
    out: {
      type: "string" as const,
      value: "FILE",
      help: `PNG to write (default ${defaultReportDir("<arch>")}/filters.png)`,
    },
    backend: common.BACKEND_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const dir = common.modelFlag(flags);
  const { model, metadata } = await loadModel(dir, { backend: common.backendFlag(flags) });
  const view = await firstLayerFilters(model);
  if (flags.terminal) return console.log(filtersToTerminal(view, stdoutTerminal()));
  const out = optionalOutFlag(flags, "reports/filters.png") ??
    `${defaultReportDir(metadata.arch)}/filters.png`;
  await saveChartPng(await renderFiltersSvg(view), out);
  console.log(`${view.filters.length} filters of ${view.layer} (${dir}); wrote ${out}`);
});

/**
 * `deno task misclassified`: how many test digits a saved model gets wrong ("112 of
 * 10,000") and a grid of them, true label blue, prediction red, most confident first.
 *
 * @example
 * ```sh
 * deno task misclassified --model models/cnn-deep --terminal --limit 12
 * ```
 * @module
 */
import { evaluateSavedModel } from "../lib/evaluate/evaluate_saved_model.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { optionalOutFlag } from "../lib/cli/out_flag.ts";
import { choiceFlag, intFlag } from "../lib/cli/args.ts";
import * as common from "../lib/cli/common_flags.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import * as view from "../lib/report/misclassified.ts";
import { misclassifiedToTerminal } from "../lib/report/terminal_views.ts";
import { stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { saveChartPng } from "../lib/report/save_chart_png.ts";
import { defaultReportDir } from "../lib/defaults.ts";

const DEFAULT_OUT = `${defaultReportDir("<arch>")}/misclassified.png`;

const spec = {
  name: "misclassified",
  summary: "Count and show the test digits a saved model gets wrong.",
  flags: {
    model: common.MODEL_FLAG,
    limit: { type: "string" as const, value: "N", help: "Digits to draw (default 100)" },
    sort: { type: "string" as const, value: "BY", help: "confidence (default) or index" },
    terminal: { type: "boolean" as const, help: "Draw in the terminal instead of writing a PNG" },
    out: { type: "string" as const, value: "FILE", help: `PNG (default ${DEFAULT_OUT})` },
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const log = stderrDataLog();
  const modelDir = common.modelFlag(flags);
  const limit = intFlag(flags, "limit", { min: 1, max: 10_000 }) ?? 100;
  const sort = choiceFlag(flags, "sort", ["confidence", "index"] as const) ?? "confidence";
  const { metadata, evaluation, data } = await evaluateSavedModel({
    modelDir,
    dataDir: common.dataDirFlag(flags),
    backend: common.backendFlag(flags),
    onDataEvent: log.onEvent,
    signal,
  });
  const wrong = view.misclassified(evaluation, { sort });
  if (flags.terminal) {
    return console.log(misclassifiedToTerminal(wrong, data.test, { ...stdoutTerminal(), limit }));
  }
  const out = optionalOutFlag(flags, "reports/misclassified.png") ??
    `${defaultReportDir(metadata.arch)}/misclassified.png`;
  await saveChartPng(await view.renderMisclassifiedSvg(wrong, data.test, { limit }), out);
  console.log(
    `${view.wrongCountText(wrong)} test digits misclassified by ${modelDir}; wrote ${out}`,
  );
});

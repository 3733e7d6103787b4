/**
 * `deno task confusion`: the confusion matrix of a saved model on the test set, with each
 * class's recall and precision, as a PNG heatmap or a terminal table.
 *
 * @example
 * ```sh
 * deno task confusion --model models/cnn-deep --terminal
 * ```
 * @module
 */
import { evaluateSavedModel } from "../lib/evaluate/evaluate_saved_model.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { optionalOutFlag } from "../lib/cli/out_flag.ts";

import * as common from "../lib/cli/common_flags.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import {
  confusionMatrix,
  formatConfusionMatrix,
  renderConfusionMatrixSvg,
} from "../lib/report/confusion_matrix.ts";
import { saveChartPng } from "../lib/report/save_chart_png.ts";
import { defaultReportDir } from "../lib/defaults.ts";

const spec = {
  name: "confusion",
  summary: "Show the confusion matrix (true label × prediction) of a saved model.",
  flags: {
    model: common.MODEL_FLAG,
    terminal: { type: "boolean" as const, help: "Print a table instead of writing a PNG" },
    out: {
      type: "string" as const,
      value: "FILE",
      help: `PNG to write (default ${defaultReportDir("<arch>")}/confusion_matrix.png)`,
    },
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const log = stderrDataLog();
  const { metadata, evaluation } = await evaluateSavedModel({
    modelDir: common.modelFlag(flags),
    dataDir: common.dataDirFlag(flags),
    backend: common.backendFlag(flags),
    onDataEvent: log.onEvent,
    signal,
  });
  const cm = confusionMatrix(evaluation);
  if (flags.terminal) return console.log(formatConfusionMatrix(cm));
  const out = optionalOutFlag(flags, "reports/confusion.png") ??
    `${defaultReportDir(metadata.arch)}/confusion_matrix.png`;
  await saveChartPng(await renderConfusionMatrixSvg(cm), out);
  console.log(`${cm.correct} of ${cm.total} correct; wrote ${out}`);
});

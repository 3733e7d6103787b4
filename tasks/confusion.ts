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
import { evaluateModel } from "../lib/evaluate/evaluate_model.ts";
import { loadModel } from "../lib/models/save_model.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { stringFlag } from "../lib/cli/args.ts";
import * as common from "../lib/cli/common_flags.ts";
import {
  confusionMatrix,
  formatConfusionMatrix,
  renderConfusionMatrixSvg,
} from "../lib/report/confusion_matrix.ts";
import { saveChartPng } from "../lib/report/save_chart_png.ts";

const spec = {
  name: "confusion",
  summary: "Show the confusion matrix (true label × prediction) of a saved model.",
  flags: {
    model: common.MODEL_FLAG,
    terminal: { type: "boolean" as const, help: "Print a table instead of writing a PNG" },
    out: {
      type: "string" as const,
      value: "FILE",
      help: "PNG to write (default reports/<arch>/confusion_matrix.png)",
    },
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const dir = common.modelFlag(flags);
  await selectBackend(common.backendFlag(flags));
  const { model, metadata } = await loadModel(dir);
  const data = await loadMnist({ dataDir: common.dataDirFlag(flags) });
  const cm = confusionMatrix(await evaluateModel(model, data.test));
  if (flags.terminal) return console.log(formatConfusionMatrix(cm));
  const out = stringFlag(flags, "out") ?? `reports/${metadata.arch}/confusion_matrix.png`;
  await saveChartPng(await renderConfusionMatrixSvg(cm), out);
  console.log(`${cm.correct} of ${cm.total} correct; wrote ${out}`);
});

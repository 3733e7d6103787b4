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
import { evaluateModel } from "../lib/evaluate/evaluate_model.ts";
import { loadModel } from "../lib/models/save_model.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { choiceFlag, intFlag, stringFlag } from "../lib/cli/args.ts";
import * as common from "../lib/cli/common_flags.ts";
import {
  misclassified,
  renderMisclassifiedSvg,
  wrongCountText,
} from "../lib/report/misclassified.ts";
import { misclassifiedToTerminal } from "../lib/report/terminal_views.ts";
import { stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { saveChartPng } from "../lib/report/save_chart_png.ts";

const spec = {
  name: "misclassified",
  summary: "Count and show the test digits a saved model gets wrong.",
  flags: {
    model: common.MODEL_FLAG,
    limit: { type: "string" as const, value: "N", help: "Digits to draw (default 100)" },
    sort: {
      type: "string" as const,
      value: "BY",
      help: "confidence (most sure first, default) or index",
    },
    terminal: { type: "boolean" as const, help: "Draw in the terminal instead of writing a PNG" },
    out: {
      type: "string" as const,
      value: "FILE",
      help: "PNG to write (default reports/<arch>/misclassified.png)",
    },
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const dir = common.modelFlag(flags);
  const limit = intFlag(flags, "limit", { min: 1, max: 10_000 }) ?? 100;
  const sort = choiceFlag(flags, "sort", ["confidence", "index"] as const) ?? "confidence";
  await selectBackend(common.backendFlag(flags));
  const { model, metadata } = await loadModel(dir);
  const data = await loadMnist({ dataDir: common.dataDirFlag(flags) });
  const view = misclassified(await evaluateModel(model, data.test), { sort });
  if (flags.terminal) {
    return console.log(misclassifiedToTerminal(view, data.test, { ...stdoutTerminal(), limit }));
  }
  const out = stringFlag(flags, "out") ?? `reports/${metadata.arch}/misclassified.png`;
  await saveChartPng(await renderMisclassifiedSvg(view, data.test, { limit }), out);
  console.log(`${wrongCountText(view)} test digits misclassified by ${dir}; wrote ${out}`);
});

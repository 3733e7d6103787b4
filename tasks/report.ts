/**
 * `deno task report --model DIR [--out DIR]`: one self-contained `report.html` with every
 * analysis view, the metrics and the recipe, plus each chart as a PNG beside it; or the
 * same views in the terminal with `--terminal`.
 *
 * @example
 * ```sh
 * deno task report --model models/cnn-deep            # writes reports/cnn-deep/report.html
 * deno task report --model models/cnn-deep --terminal
 * ```
 * @module
 */
import { evaluateModel } from "../lib/evaluate/evaluate_model.ts";
import { loadModel } from "../lib/models/save_model.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { intFlag, stringFlag } from "../lib/cli/args.ts";
import * as common from "../lib/cli/common_flags.ts";
import { writeReport } from "../lib/report/write_report.ts";
import { terminalReport } from "../lib/report/terminal_report.ts";
import { stdoutTerminal } from "../lib/report/terminal_preview.ts";

const spec = {
  name: "report",
  summary: "Write an HTML report (all analysis views) for a saved model.",
  flags: {
    model: common.MODEL_FLAG,
    out: {
      type: "string" as const,
      value: "DIR",
      help: "Folder for report.html and PNGs (default reports/<arch>)",
    },
    seed: {
      type: "string" as const,
      value: "N",
      help: "Seed of the random sample grid (default 0)",
    },
    terminal: {
      type: "boolean" as const,
      help: "Draw the views in the terminal instead of writing files",
    },
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const dir = common.modelFlag(flags);
  const seed = intFlag(flags, "seed", { min: 0 }) ?? 0;
  const backend = await selectBackend(common.backendFlag(flags));
  const { model, metadata } = await loadModel(dir);
  const data = await loadMnist({ dataDir: common.dataDirFlag(flags) });
  const evaluation = await evaluateModel(model, data.test);
  const input = { model, metadata, evaluation, testSplit: data.test, seed };
  if (flags.terminal) return console.log(await terminalReport(input, stdoutTerminal()));
  const outDir = stringFlag(flags, "out") ?? `reports/${metadata.arch}`;
  const files = await writeReport({ ...input, outDir });
  console.log(`Wrote ${files.html} and ${files.images.length} PNGs (evaluated on ${backend.name})`);
});

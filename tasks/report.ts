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
import { evaluateSavedModel } from "../lib/evaluate/evaluate_saved_model.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { optionalOutFlag } from "../lib/cli/out_flag.ts";
import { intFlag } from "../lib/cli/args.ts";
import * as common from "../lib/cli/common_flags.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import { writeReport } from "../lib/report/write_report.ts";
import { terminalReport } from "../lib/report/terminal_report.ts";
import { stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { defaultReportDir } from "../lib/defaults.ts";

const spec = {
  name: "report",
  summary: "Write an HTML report (all analysis views) for a saved model.",
  flags: {
    model: common.MODEL_FLAG,
    out: {
      type: "string" as const,
      value: "DIR",
      help: `Folder (default ${defaultReportDir("<arch>")})`,
    },
    seed: { type: "string" as const, value: "N", help: "Seed of the sample grid (default 0)" },
    terminal: { type: "boolean" as const, help: "Draw the views in the terminal instead" },
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const log = stderrDataLog();
  const seed = intFlag(flags, "seed", { min: 0 }) ?? 0;
  const { model, metadata, evaluation, data, backend } = await evaluateSavedModel({
    modelDir: common.modelFlag(flags),
    dataDir: common.dataDirFlag(flags),
    backend: common.backendFlag(flags),
    onDataEvent: log.onEvent,
    signal,
  });
  const input = { model, metadata, evaluation, testSplit: data.test, seed };
  if (flags.terminal) return console.log(await terminalReport(input, stdoutTerminal()));
  const outDir = optionalOutFlag(flags, "reports/my-report") ?? defaultReportDir(metadata.arch);
  const files = await writeReport({ ...input, outDir });
  console.log(`Wrote ${files.html} and ${files.images.length} PNGs (evaluated on ${backend})`);
});

/**
 * `deno task train`: trains one architecture with its seed recipe, evaluates and saves it.
 *
 * @example
 * ```sh
 * deno task train --arch cnn-deep --epochs 1 --limit 6000
 * ```
 * @module
 */
import { trainCnn } from "../lib/train/train_cnn.ts";
import { trainResultToJson } from "../lib/train/result_json.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { TRAIN_FLAGS, trainOptionsFromFlags } from "../lib/cli/train_flags.ts";
import { createProgressReporter } from "../lib/cli/progress.ts";
import { humanSink } from "../lib/cli/common_flags.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import { formatTestLine } from "../lib/cli/format.ts";
import { writeTrainReport } from "../lib/report/write_train_report.ts";
import { defaultReportDir } from "../lib/defaults.ts";

const spec = {
  name: "train",
  summary: "Train an architecture on MNIST with its seed recipe, evaluate it and save it.",
  flags: TRAIN_FLAGS,
  stopsOnSignal: true,
};

await runTask(spec, async (flags, { signal }) => {
  const options = await trainOptionsFromFlags(flags);
  const json = flags.json === true;
  const out = humanSink(json);
  const say = (line: string): void => void (flags.quiet ? undefined : out.write(`${line}\n`));
  const log = stderrDataLog();
  const data = await loadMnist({ dataDir: options.dataDir, onEvent: log.onEvent, signal });
  const result = await trainCnn({
    ...options,
    data,
    signal,
    onBackend: (choice) => say(`Backend: ${choice.name} (${choice.reason})`),
    onNote: say,
    ...(flags.quiet ? {} : createProgressReporter(out)),
  });
  if (result.reused) {
    say(
      `Reused the saved model in ${options.outDir} (same arch and recipe; --retrain trains again)`,
    );
  }
  say(`${formatTestLine(result.test)}${result.engine ? ` (engine: ${result.engine})` : ""}`);
  if (!result.reused) say(`Saved to ${options.outDir}`);
  if (flags.report) {
    const reportDir = defaultReportDir(result.arch);
    const files = await writeTrainReport(result, data, options.outDir, reportDir);
    say(`Report: ${files.html}`);
  }
  const dataJson = { source: data.source, rejected: log.rejected };
  if (json) console.log(JSON.stringify({ ...trainResultToJson(result), data: dataJson }, null, 2));
});

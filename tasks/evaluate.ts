/**
 * `deno task evaluate --model DIR`: test loss, accuracy and the number of wrong predictions.
 *
 * @example
 * ```sh
 * deno task evaluate --model models/cnn-deep
 * ```
 * @module
 */
import { evaluateSavedModel } from "../lib/evaluate/evaluate_saved_model.ts";
import { runTask } from "../lib/cli/run_task.ts";
import * as common from "../lib/cli/common_flags.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import { formatTestLine } from "../lib/cli/format.ts";

const spec = {
  name: "evaluate",
  summary: "Evaluate a saved model on the 10,000 MNIST test images.",
  flags: {
    model: common.MODEL_FLAG,
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
    json: common.JSON_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const log = stderrDataLog();
  const modelDir = common.modelFlag(flags);
  const { metadata, evaluation, backend } = await evaluateSavedModel({
    modelDir,
    dataDir: common.dataDirFlag(flags),
    backend: common.backendFlag(flags),
    onDataEvent: log.onEvent,
    signal,
  });
  if (flags.json) {
    const { loss, accuracy, wrong, count } = evaluation;
    const [arch, rejected] = [metadata.arch, log.rejected];
    return console.log(
      JSON.stringify({ model: modelDir, arch, backend, loss, accuracy, wrong, count, rejected }),
    );
  }
  console.log(`Model ${modelDir} (${metadata.arch}), backend ${backend}`);
  console.log(formatTestLine(evaluation));
});

/**
 * `deno task evaluate --model DIR`: test loss, accuracy and the number of wrong predictions.
 *
 * @example
 * ```sh
 * deno task evaluate --model models/cnn-deep
 * ```
 * @module
 */
import { evaluateModel } from "../lib/evaluate/evaluate_model.ts";
import { loadModel } from "../lib/models/save_model.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import {
  BACKEND_FLAG,
  backendFlag,
  DATA_DIR_FLAG,
  dataDirFlag,
  JSON_FLAG,
  MODEL_FLAG,
  modelFlag,
} from "../lib/cli/common_flags.ts";
import { formatTestLine } from "../lib/cli/format.ts";

const spec = {
  name: "evaluate",
  summary: "Evaluate a saved model on the 10,000 MNIST test images.",
  flags: { model: MODEL_FLAG, backend: BACKEND_FLAG, "data-dir": DATA_DIR_FLAG, json: JSON_FLAG },
};

await runTask(spec, async (flags) => {
  const dir = modelFlag(flags);
  const choice = await selectBackend(backendFlag(flags));
  const { model, metadata } = await loadModel(dir);
  const data = await loadMnist({ dataDir: dataDirFlag(flags) });
  const test = await evaluateModel(model, data.test);
  if (flags.json) {
    const { loss, accuracy, wrong, count } = test;
    console.log(
      JSON.stringify({
        model: dir,
        arch: metadata.arch,
        backend: choice.name,
        loss,
        accuracy,
        wrong,
        count,
      }),
    );
    return;
  }
  console.log(`Model ${dir} (${metadata.arch}), backend ${choice.name}`);
  console.log(formatTestLine(test));
});

/**
 * `deno task predict`: the 10 class probabilities and the predicted digit for one test
 * sample (`--index N`).
 *
 * @example
 * ```sh
 * deno task predict --model models/cnn-deep --index 0
 * ```
 * @module
 */
import { predict } from "../lib/evaluate/predict.ts";
import { loadModel } from "../lib/models/save_model.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { sliceSplit } from "../lib/data/tensors.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { intFlag } from "../lib/cli/args.ts";
import { UsageError } from "../lib/errors.ts";
import {
  BACKEND_FLAG,
  backendFlag,
  DATA_DIR_FLAG,
  dataDirFlag,
  JSON_FLAG,
  MODEL_FLAG,
  modelFlag,
} from "../lib/cli/common_flags.ts";
import { formatPrediction } from "../lib/cli/format.ts";

const spec = {
  name: "predict",
  summary: "Print the class probabilities and the predicted digit of one image.",
  flags: {
    model: MODEL_FLAG,
    index: { type: "string" as const, value: "N", help: "Test sample 0–9999" },
    backend: BACKEND_FLAG,
    "data-dir": DATA_DIR_FLAG,
    json: JSON_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const dir = modelFlag(flags);
  const index = intFlag(flags, "index", { min: 0, max: 9_999 });
  if (index === undefined) throw new UsageError("--index N is required");
  await selectBackend(backendFlag(flags));
  const { model } = await loadModel(dir);
  const data = await loadMnist({ dataDir: dataDirFlag(flags) });
  if (index >= data.test.count) throw new UsageError(`--index must be below ${data.test.count}`);
  const sample = sliceSplit(data.test, index, index + 1);
  const [prediction] = await predict(model, sample.images);
  const label = sample.labels[0]!;
  if (flags.json) console.log(JSON.stringify({ index, label, ...prediction }));
  else console.log(`Test sample ${index} (label ${label})\n${formatPrediction(prediction!)}`);
});

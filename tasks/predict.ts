/**
 * `deno task predict`: the 10 class probabilities and the predicted digit for one test
 * sample (`--index N`) or for your own digit image (`--image FILE`, PNG or JPEG), which is
 * prepared as MNIST was (grayscale, ink on black, cropped, 20×20 centred by mass in 28×28).
 *
 * @example
 * ```sh
 * deno task predict --model models/cnn-deep --index 0
 * deno task predict --model models/cnn-deep --image my-digit.png
 * ```
 * @module
 */
import { predict } from "../lib/evaluate/predict.ts";
import { loadModel } from "../lib/models/save_model.ts";
import { rasterToTerminal, stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { runTask } from "../lib/cli/run_task.ts";
import * as common from "../lib/cli/common_flags.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import { PREDICT_INPUT_FLAGS, readPredictInput } from "../lib/cli/predict_input.ts";
import { formatPrediction } from "../lib/cli/format.ts";

const spec = {
  name: "predict",
  summary: "Print the class probabilities and the predicted digit of one image.",
  flags: {
    model: common.MODEL_FLAG,
    ...PREDICT_INPUT_FLAGS,
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
    json: common.JSON_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const dir = common.modelFlag(flags);
  const { onEvent } = stderrDataLog();
  const input = await readPredictInput(flags, {
    dataDir: common.dataDirFlag(flags),
    onEvent,
    signal,
  });
  const { model } = await loadModel(dir, { backend: common.backendFlag(flags) });
  const [prediction] = await predict(model, input.pixels);
  if (flags.json) {
    return console.log(JSON.stringify({ index: input.index, label: input.label, ...prediction }));
  }
  const raster = { width: 28, height: 28, channels: 1 as const, data: input.pixels };
  const preview = rasterToTerminal(raster, stdoutTerminal().mode);
  console.log(`${input.title}\n${preview}\n${formatPrediction(prediction!)}`);
});

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
import { loadMnist } from "../lib/data/load_mnist.ts";
import { sliceSplit } from "../lib/data/tensors.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { preprocessDigitImage } from "../lib/image/preprocess_digit.ts";
import { rasterToTerminal, stdoutTerminal } from "../lib/report/terminal_preview.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { intFlag, type ParsedFlags, stringFlag } from "../lib/cli/args.ts";
import { UsageError } from "../lib/errors.ts";
import * as common from "../lib/cli/common_flags.ts";
import { formatPrediction } from "../lib/cli/format.ts";

const spec = {
  name: "predict",
  summary: "Print the class probabilities and the predicted digit of one image.",
  flags: {
    model: common.MODEL_FLAG,
    index: { type: "string" as const, value: "N", help: "Test sample 0–9999" },
    image: { type: "string" as const, value: "FILE", help: "Your own digit, PNG or JPEG" },
    backend: common.BACKEND_FLAG,
    "data-dir": common.DATA_DIR_FLAG,
    json: common.JSON_FLAG,
  },
};

async function readSample(flags: ParsedFlags, dataDir: string) {
  const image = stringFlag(flags, "image");
  const index = intFlag(flags, "index", { min: 0, max: 9_999 });
  if ((image === undefined) === (index === undefined)) {
    throw new UsageError("Give exactly one of --index N or --image FILE");
  }
  if (image !== undefined) {
    const digit = preprocessDigitImage(await Deno.readFile(image), image);
    return {
      title: `${image}${digit.inverted ? " (inverted: dark ink on light)" : ""}`,
      pixels: digit.pixels,
    };
  }
  const data = await loadMnist({ dataDir });
  if (index! >= data.test.count) throw new UsageError(`--index must be below ${data.test.count}`);
  const sample = sliceSplit(data.test, index!, index! + 1);
  return {
    title: `Test sample ${index} (label ${sample.labels[0]})`,
    pixels: sample.images,
    index,
    label: sample.labels[0],
  };
}

await runTask(spec, async (flags) => {
  const dir = common.modelFlag(flags);
  const sample = await readSample(flags, common.dataDirFlag(flags));
  await selectBackend(common.backendFlag(flags));
  const { model } = await loadModel(dir);
  const [prediction] = await predict(model, sample.pixels);
  if (flags.json) {
    return console.log(JSON.stringify({ index: sample.index, label: sample.label, ...prediction }));
  }
  const preview = rasterToTerminal(
    { width: 28, height: 28, channels: 1, data: sample.pixels },
    stdoutTerminal().mode,
  );
  console.log(`${sample.title}\n${preview}\n${formatPrediction(prediction!)}`);
});

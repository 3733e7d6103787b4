/**
 * The input of `deno task predict`: test sample `--index N` or your own `--image FILE`,
 * as 28×28 bytes with a title (and the label, for a test sample).
 *
 * @module
 */
import { loadMnist } from "../data/load_mnist.ts";
import { sliceSplit } from "../data/tensors.ts";
import { UsageError } from "../errors.ts";
import { preprocessDigitImage } from "../image/preprocess_digit.ts";
import { readImageFile } from "../image/read_image_file.ts";
import type { DataEvent } from "../data/fetch_mnist.ts";
import type { FlagSpec, ParsedFlags } from "./flag_spec.ts";
import { intFlag, stringFlag } from "./flag_values.ts";

/** `--index N` and `--image FILE`. */
export const PREDICT_INPUT_FLAGS: Record<string, FlagSpec> = {
  index: { type: "string", value: "N", help: "Test sample 0–9999" },
  image: { type: "string", value: "FILE", help: "Your own digit, PNG or JPEG (- reads stdin)" },
};

/** One image to classify. */
export interface PredictInput {
  /** What it is, e.g. `Test sample 0 (label 7)` or the file name. */
  title: string;
  /** 784 bytes, 0 = background. */
  pixels: Uint8Array;
  /** Test sample index, when it is one. */
  index?: number;
  /** Its true label, when it is a test sample. */
  label?: number;
}

/**
 * Reads the image the flags name: a test sample from the data folder, or a PNG/JPEG file
 * prepared as MNIST was (grayscale, ink on black, cropped, centred by mass).
 *
 * @throws {UsageError} unless exactly one of `--index` / `--image` is given, or for an index
 * past the test split.
 */
export async function readPredictInput(
  flags: ParsedFlags,
  data: { dataDir: string; onEvent?: (event: DataEvent) => void; signal?: AbortSignal },
): Promise<PredictInput> {
  const image = stringFlag(flags, "image");
  const index = intFlag(flags, "index", { min: 0, max: 9_999 });
  if ((image === undefined) === (index === undefined)) {
    throw new UsageError("Give exactly one of --index N or --image FILE");
  }
  if (image !== undefined) {
    const digit = preprocessDigitImage(await readImageFile(image), image);
    const inverted = digit.inverted ? " (inverted: dark ink on light)" : "";
    return { title: `${image}${inverted}`, pixels: digit.pixels };
  }
  const { test } = await loadMnist(data);
  if (index! >= test.count) throw new UsageError(`--index must be below ${test.count}`);
  const sample = sliceSplit(test, index!, index! + 1);
  const label = sample.labels[0]!;
  return { title: `Test sample ${index} (label ${label})`, pixels: sample.images, index, label };
}

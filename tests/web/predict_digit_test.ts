import assert from "node:assert/strict";
import { encodePng } from "../../lib/image/png.ts";
import { preprocessDigitImage } from "../../lib/image/preprocess_digit.ts";
import { ImageFileError } from "../../lib/image/image_file_error.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { kerasOptimizer } from "../../lib/engine/check/_check_inputs.ts";
import { freshState } from "../../lib/web/fresh_state.ts";
import { modelInference, predictDigit } from "../../lib/web/evaluate_in_browser.ts";

/** A canvas' RGBA pixels: a dark "7" stroke on white, off-centre, as a drawing pad gives. */
function canvas7(size = 200): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(size * size * 4).fill(255);
  const ink = (x: number, y: number) => data.fill(20, (y * size + x) * 4, (y * size + x) * 4 + 3);
  for (let x = 40; x < 130; x++) for (let y = 30; y < 42; y++) ink(x, y);
  for (let y = 42; y < 170; y++) {
    const x = Math.round(130 - (y - 42) * 0.5);
    for (let dx = 0; dx < 12; dx++) ink(x - dx, y);
  }
  return { width: size, height: size, data };
}

Deno.test("predictDigit on canvas pixels sees the sample predict --image makes of the same image as a PNG", async () => {
  const image = canvas7();
  const png = encodePng({ ...image, channels: 4, data: new Uint8Array(image.data) });
  const fromFile = preprocessDigitImage(png, "seven.png");
  const arch = getArchitecture("cnn-basic");
  const { params, state } = freshState(planTraining(arch, 1), kerasOptimizer("adam", 1e-3), 3);
  const model = { architecture: arch, params, state };
  const infer = modelInference(model as Parameters<typeof modelInference>[0]);
  const drawn = await predictDigit(infer, image);
  assert.deepEqual(drawn.preprocessed.pixels, fromFile.pixels);
  assert.equal(drawn.preprocessed.inverted, true);
  assert.ok(drawn.preprocessed.pixels.some((v) => v > 200));
  const probabilities = [...await infer(fromFile.pixels, 1)];
  assert.deepEqual(drawn.probabilities, probabilities);
  assert.equal(drawn.digit, probabilities.indexOf(Math.max(...probabilities)));
});

Deno.test("predictDigit on a blank canvas says there is no digit", async () => {
  const blank = { width: 50, height: 50, data: new Uint8ClampedArray(50 * 50 * 4).fill(255) };
  const never = () => Promise.reject(new Error("inference ran on a blank canvas"));
  await assert.rejects(predictDigit(never, blank), ImageFileError);
});

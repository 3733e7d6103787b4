/**
 * Conv2D options beyond a biased square stride-1 conv: one step of each compiled engine
 * against the float64 reference, and a first epoch of each against the tfjs path on the cpu
 * backend. The architecture is the shipped `examples/conv.keras.json`: a biased 3×3 `same`
 * ReLU conv; a bias-free 3×3 `same` tanh on 16 → 16 channels (wasm's Winograd path), whose
 * parameters tfjs lists without a bias; a 3×3 stride-2 `same` sigmoid (padded after only);
 * a bias-free 5×3 `valid` elu at strides [1, 2] (the engines' general conv kernels).
 */
import assert from "node:assert/strict";
import { parseArchitecture } from "../../lib/models/arch_file/parse_architecture.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { defaultRecipe } from "../../lib/defaults.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { usesWinograd } from "../../lib/engine/wasm/_program.ts";
import { checkEveryEngine } from "./_engine_test_utils.ts";
import { checkFirstEpochParity } from "./_first_epoch_parity.ts";
import { useCpu } from "../_synthetic.ts";

const FILE = new URL("../../examples/conv.keras.json", import.meta.url);
const ARCH: Architecture = {
  ...parseArchitecture(await Deno.readTextFile(FILE)),
  recipe: defaultRecipe(),
};

Deno.test("the conv example's parameters follow tfjs' trainableWeights, bias-free convs without a bias", async () => {
  await useCpu();
  const plan = planTraining(ARCH, 1);
  const model = buildModel(ARCH, { seed: 1 });
  try {
    assert.deepEqual(
      plan.params.map((p) => p.shape),
      model.trainableWeights.map((w) => w.shape),
    );
    assert.equal(plan.paramCount, model.countParams());
  } finally {
    model.dispose();
  }
  const convs = plan.layers.flatMap((l) => l.kind === "conv2d" ? [l] : []);
  assert.deepEqual(convs.map((l) => l.useBias), [true, false, true, false]);
  // Keras' sizes: stride 2 `same` on 14 makes ⌈14 / 2⌉ = 7 with the one padded row after;
  // 5×3 `valid` at strides [1, 2] on 7 makes 3 × ⌊(7 − 3) / 2⌋ + 1 = 3.
  assert.deepEqual(
    convs.map((l) => [l.input.h, l.output.h, l.output.w, l.window, l.strides, l.pads]),
    [
      [28, 28, 28, [3, 3], [1, 1], [1, 1]],
      [28, 28, 28, [3, 3], [1, 1], [1, 1]],
      [14, 7, 7, [3, 3], [2, 2], [0, 0]],
      [7, 3, 3, [5, 3], [1, 2], [0, 0]],
    ],
  );
  // The zero biases lie past the parameters, from the next multiple of 4, one after another.
  const zeros = convs.filter((l) => !l.useBias).map((l) => [l.bias.offset, l.bias.length]);
  const first = Math.ceil(plan.paramCount / 4) * 4;
  assert.deepEqual(zeros, [[first, 16], [first + 16, 8]]);
  assert.equal(plan.storedParams, first + 24);
  assert.deepEqual(convs.map(usesWinograd), [false, true, false, false]);
});

Deno.test({
  name: "runEngineCheck: the conv example on wasm and both WebGPU tunings is within 1e-3",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // Prints each engine's worst error.
    await checkEveryEngine(ARCH, 16);
  },
});

Deno.test({
  name: "the conv example: a first epoch on wasm and WebGPU is within 1 % of the tfjs path",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    console.log(await checkFirstEpochParity(ARCH));
  },
});

/**
 * Conv2D options beyond a biased square stride-1 conv: one step of each compiled engine
 * against the float64 reference, and a first epoch of each against the tfjs path on the cpu
 * backend. The architecture is the shipped `examples/conv.keras.json`: a biased 3×3 `same`
 * ReLU conv, then bias-free convs — a 3×3 `same` tanh on 16 → 16 channels (wasm's Winograd
 * path) and a 5×5 `valid` sigmoid (its im2col path) — whose parameters tfjs lists without a
 * bias.
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
  assert.deepEqual(convs.map((l) => l.useBias), [true, false, false]);
  // The zero biases lie past the parameters, from the next multiple of 4, one after another.
  const zeros = convs.filter((l) => !l.useBias).map((l) => [l.bias.offset, l.bias.length]);
  const first = Math.ceil(plan.paramCount / 4) * 4;
  assert.deepEqual(zeros, [[first, 16], [first + 16, 8]]);
  assert.equal(plan.storedParams, first + 24);
  assert.deepEqual(convs.map(usesWinograd), [false, true, false]);
});

Deno.test({
  name: "runEngineCheck: the conv example on wasm and both WebGPU tunings is within 1e-3",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const report = await checkEveryEngine(ARCH, 16);
    for (const row of report.rows) {
      console.log(
        `${row.engine} ${row.tuning ?? ""}: worst ${row.worst.tensor} ${row.worst.error}`,
      );
    }
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

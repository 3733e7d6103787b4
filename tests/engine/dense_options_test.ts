/**
 * A dense layer without a bias (Keras' `use_bias: false`): parsed from a Keras file, planned
 * with a zero bias past the parameters (as a bias-free conv; the engines need no change), and
 * one step of each compiled engine against the float64 reference, and a first epoch of each
 * against the tfjs path on the cpu backend. Both dense layers are bias-free, the hidden one
 * between a bias-free conv and the softmax one.
 */
import assert from "node:assert/strict";
import { parseArchitecture } from "../../lib/models/arch_file/parse_architecture.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { defaultRecipe } from "../../lib/defaults.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { engineSupports, planTraining } from "../../lib/engine/plan.ts";
import { checkEveryEngine } from "./_engine_test_utils.ts";
import { checkFirstEpochParity } from "./_first_epoch_parity.ts";
import { useCpu } from "../_synthetic.ts";

const layer = (class_name: string, config: Record<string, unknown>) => ({ class_name, config });
const KERAS = {
  class_name: "Sequential",
  config: {
    name: "dense-no-bias",
    layers: [
      layer("Conv2D", {
        filters: 4,
        kernel_size: [5, 5],
        strides: [3, 3],
        use_bias: false,
        activation: "relu",
        batch_input_shape: [null, 28, 28, 1],
      }),
      layer("Flatten", {}),
      layer("Dense", { units: 24, activation: "tanh", use_bias: false }),
      layer("Dense", { units: 10, activation: "softmax", use_bias: false }),
    ],
  },
};
const ARCH: Architecture = {
  ...parseArchitecture(JSON.stringify(KERAS)),
  recipe: defaultRecipe(),
};

Deno.test("a bias-free dense parses, builds without a bias in tfjs, and plans a zero bias past the parameters", async () => {
  await useCpu();
  const denses = ARCH.layers.filter((l) => l.type === "dense");
  assert.deepEqual(denses.map((l) => l.type === "dense" && l.useBias), [false, false]);
  assert.deepEqual(engineSupports(ARCH), { ok: true });
  const plan = planTraining(ARCH, 1);
  const model = buildModel(ARCH, { seed: 1 });
  try {
    assert.deepEqual(plan.params.map((p) => p.shape), model.trainableWeights.map((w) => w.shape));
    assert.equal(plan.paramCount, model.countParams());
    assert.equal(plan.paramCount, 5 * 5 * 4 + 8 * 8 * 4 * 24 + 24 * 10);
  } finally {
    model.dispose();
  }
  const biases = plan.layers.flatMap((l) =>
    l.kind === "dense" || l.kind === "conv2d" ? [[l.useBias, l.bias.offset, l.bias.length]] : []
  );
  const first = Math.ceil(plan.paramCount / 4) * 4;
  assert.deepEqual(biases, [[false, first, 4], [false, first + 4, 24], [false, first + 28, 10]]);
  assert.equal(plan.storedParams, first + 38);
});

Deno.test({
  name: "runEngineCheck: a bias-free dense on wasm and both WebGPU tunings is within 1e-3",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // An odd batch: the wasm engine's chunks (13 samples, or 7 and 6 on two threads) give the
    // hidden layer's input gradient (kernels/dense_gemm.h, 256 → 24) an odd last row.
    await checkEveryEngine(ARCH, 13);
  },
});

Deno.test({
  name: "a bias-free dense: a first epoch on wasm and WebGPU is within 1 % of the tfjs path",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    console.log(await checkFirstEpochParity(ARCH));
  },
});

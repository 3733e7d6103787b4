/**
 * Max and average pooling of any window, strides and padding: one step of each compiled
 * engine against the float64 reference, and a first epoch of each against the tfjs path on
 * the cpu backend (which also checks the reference's semantics against tfjs': a `same` max
 * ignores the padded cells, a `same` average divides by the valid ones). The architecture is
 * the shipped `examples/pooling.keras.json`: a 3×3 stride-2 max-pool with `same` padding
 * after a ReLU (the WebGPU index's ReLU shortcut) and with `valid` after a tanh, a 3×2
 * stride-1 `same` average pool (non-square, padded unevenly), a 2×2 average pool after an
 * elu, on 6 channels (one per thread) and 8 (four per thread). A second architecture reaches
 * the wasm kernel's other window paths: 2 channels (scalar), 16 channels (its 3×3 path for
 * windows inside the input) next to clipped `same` windows, 18 channels (4 at a time, the
 * last 4 overlapping), windows clipped at the top and left (3×3 stride 1 `same`), and a 3×3
 * average pool clipped on every side.
 */
import assert from "node:assert/strict";
import { parseArchitecture } from "../../lib/models/arch_file/parse_architecture.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { defaultRecipe } from "../../lib/defaults.ts";
import { isPool2x2, planTraining } from "../../lib/engine/plan.ts";
import { checkEveryEngine } from "./_engine_test_utils.ts";
import { checkFirstEpochParity } from "./_first_epoch_parity.ts";

const FILE = new URL("../../examples/pooling.keras.json", import.meta.url);
const ARCH: Architecture = {
  ...parseArchitecture(await Deno.readTextFile(FILE)),
  recipe: defaultRecipe(),
};

Deno.test("the pooling example resolves each pool's window, strides and padding as Keras does", () => {
  const plan = planTraining(ARCH, 1);
  const pools = plan.layers.flatMap((l) =>
    l.kind === "maxPool" || l.kind === "avgPool"
      ? [[l.kind, l.input.h, l.output.h, l.output.w, l.pool, l.strides, l.pad, l.output.c]]
      : []
  );
  assert.deepEqual(pools, [
    ["maxPool", 26, 13, 13, [3, 3], [2, 2], [0, 0], 8],
    ["maxPool", 13, 6, 6, [3, 3], [2, 2], [0, 0], 6],
    ["avgPool", 6, 6, 6, [3, 2], [1, 1], [1, 0], 6],
    ["avgPool", 6, 3, 3, [2, 2], [2, 2], [0, 0], 8],
  ]);
  // The 2×2 average pool is not the max-pool fast path's.
  assert.ok(plan.layers.every((l) => l.kind !== "maxPool" || !isPool2x2(l)));
});

Deno.test({
  name: "runEngineCheck: every pool on wasm and both WebGPU tunings is within 1e-3",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // Prints each engine's worst error.
    await checkEveryEngine(ARCH, 16);
  },
});

const WIDE: Architecture = {
  ...ARCH,
  name: "pooling-wide",
  layers: [
    {
      type: "conv2d",
      filters: 2,
      kernelSize: 3,
      strides: 1,
      padding: "valid",
      useBias: true,
      activation: "tanh",
    },
    { type: "maxPool", poolSize: 3, strides: 1, padding: "same" },
    {
      type: "conv2d",
      filters: 16,
      kernelSize: 3,
      strides: 1,
      padding: "valid",
      useBias: true,
      activation: "elu",
    },
    { type: "maxPool", poolSize: 3, strides: 2, padding: "same" },
    {
      type: "conv2d",
      filters: 18,
      kernelSize: 3,
      strides: 1,
      padding: "same",
      useBias: true,
      activation: "tanh",
    },
    { type: "maxPool", poolSize: 3, strides: 1, padding: "same" },
    { type: "maxPool", poolSize: 3, strides: 2, padding: "valid" },
    { type: "avgPool", poolSize: 3, strides: 2, padding: "same" },
    { type: "flatten" },
    { type: "dense", units: 10, activation: "softmax", useBias: true },
  ],
};

Deno.test({
  name: "runEngineCheck: 2, 16 and 18 channels, windows clipped on every side, within 1e-3",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const plan = planTraining(WIDE, 1);
    const pools = plan.layers.flatMap((l) =>
      l.kind === "maxPool" || l.kind === "avgPool"
        ? [[l.input.h, l.output.h, l.pad, l.output.c]]
        : []
    );
    assert.deepEqual(pools, [
      [26, 26, [1, 1], 2],
      [24, 12, [0, 0], 16],
      [12, 12, [1, 1], 18],
      [12, 5, [0, 0], 18],
      [5, 3, [1, 1], 18],
    ]);
    await checkEveryEngine(WIDE, 16);
  },
});

/**
 * The example with its padded average pool made `valid`: tfjs' avgPool gradient on the cpu
 * backend divides a `same` window's gradient by the full window size although its forward
 * divides by the valid cells (measured: ones(3×3) through a 2×2 stride-1 `same` average pool
 * give the corner cell 1 where the true gradient, Keras' and the engines', is 2.25), so only
 * without padded average windows can the trained states be held to 1e-3.
 */
const UNPADDED: Architecture = {
  ...ARCH,
  layers: ARCH.layers.map((l) => l.type === "avgPool" ? { ...l, padding: "valid" as const } : l),
};

Deno.test({
  name: "every pool: a first epoch on wasm and WebGPU is within 1 % of the tfjs path's loss",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    // The loss only: the states drift apart through tfjs' padded average gradient (above).
    console.log("with same average pooling", await checkFirstEpochParity(ARCH, Infinity));
    console.log("without", await checkFirstEpochParity(UNPADDED));
  },
});

Deno.test({
  name:
    "LeNet-5 (tanh convs, 2×2 average pools): a first epoch on wasm and WebGPU is within 1 % of the tfjs path",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const lenet = new URL("../../examples/lenet5.keras.json", import.meta.url);
    const arch = { ...parseArchitecture(await Deno.readTextFile(lenet)), recipe: defaultRecipe() };
    console.log(await checkFirstEpochParity(arch));
  },
});

/**
 * The activations (linear, relu, tanh, sigmoid, elu) in conv2d, dense and activation layers:
 * one step of each compiled engine against the float64 reference, and a first epoch of each
 * against the tfjs path. The architecture is the shipped `examples/activations.keras.json`:
 * every activation in each of the three places, before and after max-pools (the WebGPU
 * engine folds a ReLU into the pool's index, the wasm one folds any conv's activation′ into
 * the pool's gradient) and through a Winograd conv of the wasm engine (16 → 16, 3×3, elu).
 * Its first conv has 8 filters: with 16, WebGPU's cpu-tuned kernels took 73 s instead of 32 s
 * to build and run on llvmpipe (cold shader cache).
 */
import assert from "node:assert/strict";
import { parseArchitecture } from "../../lib/models/arch_file/parse_architecture.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { defaultRecipe } from "../../lib/defaults.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { usesWinograd } from "../../lib/engine/wasm/_program.ts";
import { checkEveryEngine } from "./_engine_test_utils.ts";
import { checkFirstEpochParity } from "./_first_epoch_parity.ts";

const FILE = new URL("../../examples/activations.keras.json", import.meta.url);
const ARCH: Architecture = {
  ...parseArchitecture(await Deno.readTextFile(FILE)),
  recipe: defaultRecipe(),
};

Deno.test("the activations example has every activation in a conv, a dense and an activation layer", () => {
  const plan = planTraining(ARCH, 1);
  const where = (kind: string) =>
    new Set(plan.layers.flatMap((l) => l.kind === kind && "activation" in l ? [l.activation] : []));
  for (const kind of ["conv2d", "dense", "activation"]) {
    for (const a of ["linear", "relu", "tanh", "sigmoid", "elu"]) {
      // The conv's ReLU is the seeds' (every seed model checks it); the others are here.
      if (kind === "conv2d" && a === "relu") continue;
      assert.ok(where(kind).has(a as never), `${kind} ${a}`);
    }
  }
  // The wasm engine's Winograd path applies the activation in its output transform.
  assert.ok(
    plan.layers.some((l) => l.kind === "conv2d" && usesWinograd(l) && l.activation === "elu"),
  );
});

Deno.test({
  name: "runEngineCheck: every activation on wasm and both WebGPU tunings is within 1e-3",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await checkEveryEngine(ARCH, 16);
  },
});

Deno.test({
  name:
    "every activation: a first epoch on wasm and WebGPU is within 1 % of the tfjs path's loss, 1e-3 of its state",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    await checkFirstEpochParity(ARCH);
  },
});

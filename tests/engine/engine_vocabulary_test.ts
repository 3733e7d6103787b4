/**
 * The compiled engines refuse, naming the layer and the field, every layer and option they
 * do not implement; `auto` then trains on the tfjs path with one line saying why, and
 * `compiled` is an error. (A dense tanh layer used to pass and train as linear; the engines
 * now implement tanh, and a softmax anywhere but the last dense layer is what stays refused.)
 */
import assert from "node:assert/strict";
import { engineSupports } from "../../lib/engine/plan.ts";
import { ENGINE_ACTIVATIONS } from "../../lib/engine/engine_vocabulary.ts";
import { createEpochRunner } from "../../lib/train/create_runner.ts";
import type { Architecture, LayerSpec } from "../../lib/models/architecture.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { UsageError } from "../../lib/errors.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { selectBackend } from "../../lib/backend/select_backend.ts";
import { runnerInput } from "./_engine_test_utils.ts";

const DEEP = getArchitecture("cnn-deep");
const MLP = getArchitecture("mlp");
const withLayer = (base: Architecture, index: number, layer: LayerSpec): Architecture => ({
  ...base,
  layers: base.layers.map((l, i) => (i === index ? layer : l)),
});

Deno.test("engineSupports() refuses each layer and option outside the engines, naming it", async (t) => {
  const conv = { type: "conv2d", filters: 32, kernelSize: 3 } as const;
  const cases: [string, Architecture, RegExp][] = [
    [
      "dense selu (forced past the type)",
      withLayer(MLP, 1, { type: "dense", units: 128, activation: "selu" as "elu" }),
      /layer 1 \(dense\): "activation" is "selu" \(the engine has linear, relu, tanh, sigmoid, elu, softmax\)/,
    ],
    [
      "conv softmax",
      withLayer(DEEP, 0, { ...conv, activation: "softmax" }),
      /layer 0 \(conv2d\): "activation" is "softmax"/,
    ],
    [
      "softmax activation layer",
      withLayer(MLP, 2, { type: "activation", activation: "softmax" }),
      /layer 2 \(activation\): "activation" is "softmax" \(.*softmax only in the last dense\)/,
    ],
  ];
  for (const [name, arch, reason] of cases) {
    await t.step(name, () => {
      const verdict = engineSupports(arch);
      assert.equal(verdict.ok, false);
      if (!verdict.ok) {
        assert.match(verdict.reason, reason);
        assert.doesNotMatch(verdict.reason, /\n/);
      }
    });
  }
  assert.deepEqual(engineSupports(DEEP), { ok: true });
  // A bias-free, a strided and a 3×1 conv are in it (tests/engine/conv_options_test.ts).
  const basic = getArchitecture("cnn-basic");
  for (const option of [{ useBias: false }, { strides: 2 }, { kernelSize: [3, 1] }]) {
    const layer = { ...conv, ...option } as LayerSpec;
    assert.deepEqual(engineSupports(withLayer(basic, 0, layer)), { ok: true });
  }
});

Deno.test("engineSupports() accepts each activation in a conv, a dense and an activation layer", () => {
  for (const activation of ENGINE_ACTIVATIONS) {
    const conv = withLayer(DEEP, 0, { type: "conv2d", filters: 32, kernelSize: 3, activation });
    const dense = withLayer(MLP, 1, { type: "dense", units: 128, activation });
    const layer = withLayer(MLP, 2, { type: "activation", activation });
    for (const arch of [conv, dense, layer]) assert.deepEqual(engineSupports(arch), { ok: true });
  }
  assert.deepEqual(ENGINE_ACTIVATIONS, ["linear", "relu", "tanh", "sigmoid", "elu"]);
});

Deno.test("engineSupports() accepts max and average pools of any window, strides and padding", () => {
  const pools = [
    { poolSize: 3, strides: 2, padding: "same" },
    { poolSize: 3, strides: 2, padding: "valid" },
    { poolSize: [3, 2], strides: 1, padding: "same" },
    { poolSize: 2 },
  ] as const;
  for (const pool of pools) {
    for (const type of ["maxPool", "avgPool"] as const) {
      assert.deepEqual(engineSupports(withLayer(DEEP, 1, { type, ...pool })), { ok: true });
    }
  }
});

Deno.test("createEpochRunner: a softmax Activation layer falls back to tfjs on auto (one line) and is refused on compiled", async () => {
  await selectBackend("wasm");
  const split: Architecture = {
    ...DEEP,
    layers: [
      ...DEEP.layers.slice(0, -1),
      { type: "dense", units: 10, activation: "linear" },
      { type: "activation", activation: "softmax" },
    ],
  };
  const input = runnerInput(split, syntheticSplit(20), 10);
  const notes: string[] = [];
  const runner = await createEpochRunner(input, "auto", {
    backend: "wasm",
    onNote: (l) => notes.push(l),
  });
  assert.equal(runner.engine, "tfjs");
  runner.dispose();
  assert.deepEqual(notes, [
    'Engine: tfjs (the compiled engine is off: The compiled engine does not support cnn-deep\'s layer 8 (activation): "activation" is "softmax" (the engine has linear, relu, tanh, sigmoid, elu; softmax only in the last dense))',
  ]);
  await assert.rejects(
    createEpochRunner(input, "compiled", { backend: "wasm" }),
    (e: Error) =>
      e instanceof UsageError &&
      /--engine compiled is unavailable: .*layer 8 \(activation\): "activation" is "softmax"/.test(
        e.message,
      ),
  );
  input.model.dispose();
  input.optimizer.dispose();
});

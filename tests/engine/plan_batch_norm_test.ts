import assert from "node:assert/strict";
import { engineSupports, initialState, planTraining } from "../../lib/engine/plan.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { ARCHITECTURES } from "../../lib/models/architectures.ts";

const bnArch: Architecture = {
  ...ARCHITECTURES["mlp"]!,
  name: "bn-plan",
  layers: [
    { type: "conv2d", filters: 4, kernelSize: 3, strides: 2, useBias: false, activation: "linear" },
    { type: "batchNorm", momentum: 0.9, epsilon: 1e-3 },
    { type: "activation", activation: "relu" },
    { type: "flatten" },
    { type: "dense", units: 6, activation: "relu" },
    { type: "batchNorm" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
};

Deno.test("plan: batchNorm's gamma, beta are parameters in layer order; its moving stats are state", () => {
  const plan = planTraining(bnArch, 5);
  assert.deepEqual(plan.params.map((p) => p.name), [
    "0/kernel",
    "1/gamma",
    "1/beta",
    "4/kernel",
    "4/bias",
    "5/gamma",
    "5/beta",
    "6/kernel",
    "6/bias",
  ]);
  assert.deepEqual(
    plan.state.map((p) => [p.name, p.offset, p.length]),
    [["1/moving_mean", 0, 4], ["1/moving_variance", 4, 4], ["5/moving_mean", 8, 6], [
      "5/moving_variance",
      14,
      6,
    ]],
  );
  assert.equal(plan.stateCount, 20);
  const bn = plan.layers[1]!;
  assert.equal(bn.kind, "batchNorm");
  if (bn.kind !== "batchNorm") return;
  assert.deepEqual([bn.momentum, bn.epsilon], [0.9, 1e-3]);
  assert.deepEqual(bn.output, { h: 13, w: 13, c: 4 });
  assert.equal(bn.movingVariance.offset, 4);
  const last = plan.layers[5]!;
  assert.ok(last.kind === "batchNorm" && last.momentum === 0.99 && last.epsilon === 1e-3);
  // The bias-free conv's zero bias sits past the parameters; gradients reach the images' layer
  // 0 only through its kernel, and every layer after the first trainable one backpropagates.
  assert.ok(plan.storedParams > plan.paramCount);
  assert.deepEqual(plan.layers.map((l) => l.backpropInput), [
    false,
    true,
    true,
    true,
    true,
    true,
    true,
  ]);
  const stats = plan.buffers.filter((b) => b.kind === "bnStats");
  assert.deepEqual(stats.map((b) => [b.name, b.elements, b.dtype]), [
    ["bnStats:1", 8, "f32"],
    ["bnStats:5", 12, "f32"],
  ]);
  assert.deepEqual([...initialState(plan)], [
    ...Array(4).fill(0),
    ...Array(4).fill(1),
    ...Array(6).fill(0),
    ...Array(6).fill(1),
  ]);
});

Deno.test("plan: a first-layer batchNorm needs no input gradient; the engines take batchNorm", () => {
  const arch: Architecture = {
    ...ARCHITECTURES["mlp"]!,
    layers: [{ type: "batchNorm" }, ...ARCHITECTURES["mlp"]!.layers],
  };
  const plan = planTraining(arch, 2);
  assert.equal(plan.layers[0]!.backpropInput, false);
  assert.equal(plan.layers[1]!.backpropInput, true);
  assert.deepEqual(engineSupports(arch), { ok: true });
  assert.equal(planTraining("mlp", 2).stateCount, 0);
  assert.deepEqual(planTraining("mlp", 2).state, []);
});

Deno.test("plan: a batchNorm's momentum and epsilon are validated", () => {
  const arch = (momentum: number, epsilon: number): Architecture => ({
    ...ARCHITECTURES["mlp"]!,
    layers: [{ type: "batchNorm", momentum, epsilon }, ...ARCHITECTURES["mlp"]!.layers],
  });
  assert.throws(() => planTraining(arch(1.5, 1e-3), 1), /layer 0 \(batchNorm\): momentum 1.5/);
  assert.throws(() => planTraining(arch(0.9, 0), 1), /epsilon 0 not positive/);
});

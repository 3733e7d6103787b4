/**
 * The wasm engine's 1-channel conv read in place (kernels/conv_one_channel*.h): first convs
 * at strides and paddings whose windows leave the input on different sides (the padded
 * rows / columns before, after, or both), kernel shapes of its specialised (3, 5) and
 * general column counts, and filter counts that split into 16-, 8- and 4-filter blocks:
 * one step against the float64 reference, at 1 and 2 threads.
 */
import assert from "node:assert/strict";
import { runEngineCheck } from "../../../lib/engine/check/engine_check.ts";
import { planTraining } from "../../../lib/engine/plan.ts";
import type { Architecture, LayerSpec } from "../../../lib/models/architecture.ts";
import { defaultRecipe } from "../../../lib/defaults.ts";

type Conv = Extract<LayerSpec, { type: "conv2d" }>;

/** A model whose first layer is `conv` on the 28 × 28 × 1 input, then a softmax. */
function firstConv(name: string, conv: Omit<Conv, "type">): Architecture {
  return {
    name,
    description: "a 1-channel first conv",
    seeds: [],
    layers: [
      { type: "conv2d", ...conv },
      { type: "flatten" },
      { type: "dense", units: 10, activation: "softmax" },
    ],
    recipe: defaultRecipe(),
    seedAccuracy: [],
    expectedParams: 0,
  };
}

// Each with its output rows and columns and padded rows and columns before the input.
const CASES: [Architecture, number[]][] = [
  // 28 → 14: the padded row and column after (the BatchNormalization example's conv1), 12
  // filters (8 + 4).
  [
    firstConv("s2-same", {
      filters: 12,
      kernelSize: 3,
      strides: 2,
      padding: "same",
      activation: "elu",
    }),
    [14, 14, 0, 0],
  ],
  // 28 → 10 × 14: one padded row before and two after, one padded column after; 4 × 2; no
  // bias (its gradient is not made).
  [
    firstConv("s3-same", {
      filters: 20,
      kernelSize: [4, 2],
      strides: [3, 2],
      padding: "same",
      activation: "linear",
      useBias: false,
    }),
    [10, 14, 1, 0],
  ],
  // 28 → 28: two padded rows and columns on each side, 5 × 5.
  [
    firstConv("s1-same-5x5", { filters: 8, kernelSize: 5, padding: "same", activation: "sigmoid" }),
    [28, 28, 2, 2],
  ],
  // 28 → 13 × 24: no padding, 3 × 5 at strides [2, 1]; linear with a bias.
  [
    firstConv("valid", { filters: 16, kernelSize: [3, 5], strides: [2, 1], activation: "linear" }),
    [13, 24, 0, 0],
  ],
];

for (const [arch, shape] of CASES) {
  Deno.test(`wasm 1-channel conv ${arch.name}: one step within 1e-3 of the reference, 1 and 2 threads`, async () => {
    const conv = planTraining(arch, 5).layers[0]!;
    assert.ok(conv.kind === "conv2d" && conv.input.c === 1);
    assert.deepEqual([conv.output.h, conv.output.w, ...conv.pads], shape);
    for (const wasmThreads of [1, 2]) {
      const report = await runEngineCheck({ arch, batchSize: 5, engines: ["wasm"], wasmThreads });
      const [row] = report.rows;
      assert.ok(
        row?.ok,
        `${arch.name} (${wasmThreads} threads): ${row?.worst.tensor} ${row?.worst.error}`,
      );
    }
  });
}

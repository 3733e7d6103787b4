/**
 * The dense kind: `x·W + b` and its activation (softmax: the logits are stored, the loss
 * kernel applies it), the input gradient `dy·Wᵀ` with the producer's activation′ fused in,
 * and the kernel gradient `xᵀ·dy` with the bias gradient (dy's column sums). Tiled products
 * on llvmpipe (`_matmul_tile.ts`), split-K products on GPUs (`_matmul_split.ts`).
 *
 * @module
 */
import { producerActivation, type TrainingPlan } from "../../plan.ts";
import { activationFlops, gateCost, storeActivated, storeGated } from "../_activation.ts";
import { matmulTile } from "../_matmul_tile.ts";
import { splitMatmul } from "../_matmul_split.ts";
import type { Tuning } from "../_tiles.ts";
import { bind, type Kernel } from "../_wgsl.ts";
import {
  actName,
  denseTile,
  inputGradBindings,
  type KindKernels,
  type LayerOf,
  weightGradBindings,
} from "./_kind.ts";

type Dense = LayerOf<"dense">;

function forward(plan: TrainingPlan, l: Dense, tuning: Tuning): Kernel[] {
  const n = l.input.c;
  const m = l.output.c;
  const spec = {
    label: `dense${l.index}`,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind("params", "params", "f32"),
      bind(`act:${l.index}`, "y", "f32", true),
    ],
    m: plan.batchSize,
    n: m,
    r: n,
    a: { array: "x", base: (b: string) => `${b} * ${n}u`, stride: 1 },
    b: { array: "params", base: (o: string) => `${l.kernel.offset}u + ${o}`, stride: m },
    store: (b: string, o: string, acc: string) =>
      storeActivated(
        l.activation,
        `y[${b} * ${m}u + ${o}]`,
        `${acc} + params[${l.bias.offset}u + ${o}]`,
      ),
    storeCost: { flops: 1 + activationFlops(l.activation), reads: 0 },
  };
  return tuning === "gpu" ? splitMatmul(spec) : [matmulTile({ ...spec, tile: denseTile(tuning) })];
}

function inputGrad(plan: TrainingPlan, l: Dense, tuning: Tuning): Kernel[] {
  const n = l.input.c;
  const m = l.output.c;
  const a = producerActivation(plan, l.index - 1);
  const spec = {
    label: `dense${l.index}_dx`,
    bindings: inputGradBindings(plan, l),
    m: plan.batchSize,
    n,
    r: m,
    a: { array: "dy", base: (b: string) => `${b} * ${m}u`, stride: 1 },
    b: { array: "params", base: (k: string) => `${l.kernel.offset}u + ${k} * ${m}u`, stride: 1 },
    store: (b: string, k: string, acc: string) =>
      storeGated(a, `dx[${b} * ${n}u + ${k}]`, acc, `x[${b} * ${n}u + ${k}]`),
    storeCost: gateCost(a),
  };
  return tuning === "gpu" ? splitMatmul(spec) : [matmulTile({ ...spec, tile: denseTile(tuning) })];
}

function weightGrad(plan: TrainingPlan, l: Dense, tuning: Tuning): Kernel[] {
  const n = l.input.c;
  const m = l.output.c;
  const batch = plan.batchSize;
  const spec = {
    label: `dense${l.index}_dw`,
    bindings: weightGradBindings(plan, l),
    m: n,
    n: m,
    r: batch,
    a: { array: "x", base: (k: string) => k, stride: n },
    b: { array: "dy", base: (o: string) => o, stride: m },
    store: (k: string, o: string, acc: string) =>
      `grads[${l.kernel.offset}u + ${k} * ${m}u + ${o}] = ${acc};`,
    storeCost: { flops: 0, reads: 0 },
  };
  if (tuning === "gpu") {
    // The bias gradient Σ_b dy[b] is the column sums of dy, split over the batch alike.
    const columnSums = {
      store: (o: string, acc: string) => `grads[${l.bias.offset}u + ${o}] = ${acc};`,
    };
    return splitMatmul({ ...spec, columnSums, overBatch: true });
  }
  return [matmulTile({
    ...spec,
    tile: denseTile(tuning),
    extra: {
      threads: m,
      body: `    var sum = 0.0;
    for (var b = 0u; b < ${batch}u; b++) { sum += dy[b * ${m}u + extra]; }
    grads[${l.bias.offset}u + extra] = sum;`,
      // dy is already counted as the product's operand; the bias gradient is written.
      cost: { flops: batch * m, bytes: 4 * m, serialLoop: batch },
    },
  })];
}

/** The dense kind's kernels. */
export const denseKernels: KindKernels<Dense> = {
  forward: (plan, l, tuning) => forward(plan, l, tuning),
  backward: (plan, l, tuning) => [
    ...(l.backpropInput ? inputGrad(plan, l, tuning) : []),
    ...weightGrad(plan, l, tuning),
  ],
};

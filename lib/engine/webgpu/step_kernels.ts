/**
 * The kernels of one training step, in dispatch order, generated from the plan alone (no
 * GPU device): what the executor compiles, and what the occupancy report and the
 * generation-time checks read (`Kernel.groups`, `workgroupSize`, `flops`, `bytes`,
 * `serialLoop`).
 *
 * @module
 */
import type { OptimizerSpec, TrainingPlan } from "../plan.ts";
import { backwardKernels } from "./_kernels_backward.ts";
import { forwardKernels } from "./_kernels_forward.ts";
import { updateKernels } from "./_kernels_update.ts";
import type { Tuning } from "./_tiles.ts";
import type { Kernel } from "./_wgsl.ts";

export type { Kernel, Tuning };
export { inferenceKernels } from "./_kernels_forward.ts";

/**
 * Every kernel of a step of `plan` (forward, loss, backward, update), in dispatch order.
 *
 * @param plan The step's plan (a tail step has its own).
 * @param optimizer The optimizer the update applies.
 * @param tuning Kernel shapes for a software adapter (`cpu`) or a GPU.
 * @param stride Samples per full step (the batch gather's stride in the permutation).
 * @returns The kernels.
 * @example
 * ```ts
 * import { planTraining } from "../plan.ts";
 * import { stepKernels } from "./step_kernels.ts";
 * import assert from "node:assert/strict";
 *
 * const kernels = stepKernels(planTraining("mlp", 64), { kind: "sgd", learningRate: 0.1 }, "gpu");
 * assert.equal(kernels[0]!.label, "gather");
 * ```
 */
export function stepKernels(
  plan: TrainingPlan,
  optimizer: OptimizerSpec,
  tuning: Tuning,
  stride: number = plan.batchSize,
): Kernel[] {
  return [
    ...forwardKernels(plan, stride, tuning),
    ...backwardKernels(plan, tuning),
    ...updateKernels(optimizer, plan.paramCount),
  ];
}

/**
 * WGSL for the backward half of a training step: each layer's backward from its kind's
 * module (`kinds/kind_table.ts`), last layer first. Every kernel is a gather (one thread per
 * output element, no atomics): input gradients with the activation′ of the layer that
 * produced the input fused in, and weight + bias gradients written straight into the packed
 * gradient array at the plan's offsets. A stored `grad:<i>` of a layer with an activation is
 * therefore the gradient w.r.t. its pre-activation (for an activation layer: w.r.t. its input).
 *
 * @module
 */
import type { TrainingPlan } from "../plan.ts";
import { kindOf } from "./kinds/kind_table.ts";
import type { Tuning } from "./_tiles.ts";
import type { Kernel } from "./_wgsl.ts";

/** The backward kernels of one step, in dispatch order (last layer first). */
export function backwardKernels(plan: TrainingPlan, tuning: Tuning = "gpu"): Kernel[] {
  return [...plan.layers].reverse().flatMap((l) => kindOf(l).backward(plan, l, tuning));
}

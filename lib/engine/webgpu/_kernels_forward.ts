/**
 * WGSL for the forward half of a training step, generated from a plan with every shape
 * baked in as a constant: the batch gather, each layer's forward from its kind's module
 * (`kinds/kind_table.ts`), and the softmax + clipped cross-entropy + gradient + loss and
 * correct-count sums (`_softmax_loss.ts`).
 *
 * @module
 */
import type { TrainingPlan } from "../plan.ts";
import { kindOf } from "./kinds/kind_table.ts";
import type { ForwardMode } from "./kinds/_kind.ts";
import type { Tuning } from "./_tiles.ts";
import { softmaxLoss } from "./_softmax_loss.ts";
import { bind, flatKernel, type Kernel, lit } from "./_wgsl.ts";

/** Exact f32 values of byte / 255, as tfjs' `imagesToTensor` computes them. */
export function pixelTable(): string {
  const values = Array.from({ length: 256 }, (_, b) => lit(b / 255));
  return `var<private> PIXEL: array<f32, 256> = array<f32, 256>(${values.join(", ")});`;
}

/**
 * Gathers the step's batch: sample `perm[step · stride + b]` of the on-device dataset
 * (bytes packed four per u32), normalised through the byte table; labels alongside.
 */
function gather(plan: TrainingPlan, stride: number): Kernel {
  const pixels = plan.input.h * plan.input.w * plan.input.c;
  return flatKernel(
    "gather",
    [
      bind("perm", "perm", "u32"),
      bind("dataset", "dataset", "u32"),
      bind("datasetLabels", "labelsAll", "u32"),
      bind("state", "state", "u32"),
      bind("images", "x", "f32", true),
      bind("labels", "y", "u32", true),
    ],
    plan.batchSize * pixels,
    `  let b = i / ${pixels}u;
  let p = i % ${pixels}u;
  let s = perm[state[0] * ${stride}u + b];
  let word = dataset[s * ${pixels / 4}u + p / 4u];
  x[i] = PIXEL[(word >> ((p % 4u) * 8u)) & 255u];
  if (p == 0u) { y[b] = labelsAll[s]; }`,
    // Bytes of the samples and their permutation entries and labels; images and labels out.
    { flops: 0, bytes: plan.batchSize * (pixels + 4 * 3 + 4 * pixels), serialLoop: 0 },
    pixelTable(),
  );
}

/** Every layer's forward kernels in layer order, from the kind table. */
export function layerForwards(plan: TrainingPlan, tuning: Tuning, mode: ForwardMode): Kernel[] {
  return plan.layers.flatMap((l) => kindOf(l).forward(plan, l, tuning, mode));
}

/** The forward kernels of one step, in dispatch order (loss kernel last). */
export function forwardKernels(
  plan: TrainingPlan,
  stride: number,
  tuning: Tuning = "gpu",
): Kernel[] {
  return [
    gather(plan, stride),
    ...layerForwards(plan, tuning, "train"),
    ...softmaxLoss(plan, tuning),
  ];
}

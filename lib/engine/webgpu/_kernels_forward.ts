/**
 * WGSL for the forward half of a training step, generated from a plan with every shape
 * baked in as a constant: the batch gather, each layer's forward from its kind's module
 * (`kinds/kind_table.ts`), and the softmax + clipped cross-entropy + gradient + loss and
 * correct-count sums (`_softmax_loss.ts`). And the forward-only inference program: a gather of
 * uploaded images, each layer's inference forward, softmax probabilities.
 *
 * @module
 */
import type { TrainingPlan } from "../plan.ts";
import { kindOf } from "./kinds/kind_table.ts";
import type { ForwardMode } from "./kinds/_kind.ts";
import type { Tuning } from "./_tiles.ts";
import { softmaxLoss, softmaxProbabilities } from "./_softmax_loss.ts";
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
      bind("counters", "state", "u32"),
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

/** Normalises a batch of uploaded images (`inferImages`, bytes packed four per u32). */
function inferGather(plan: TrainingPlan): Kernel {
  const n = plan.batchSize * plan.input.h * plan.input.w * plan.input.c;
  return flatKernel(
    "infer_gather",
    [bind("inferImages", "bytes", "u32"), bind("images", "x", "f32", true)],
    n,
    "  x[i] = PIXEL[(bytes[i / 4u] >> ((i % 4u) * 8u)) & 255u];",
    { flops: 0, bytes: 5 * n, serialLoop: 0 },
    pixelTable(),
  );
}

/**
 * The kernels of a forward-only inference pass over one batch of `plan.batchSize` uploaded
 * images, in dispatch order: the gather, each layer's forward in inference mode (dropout
 * passes everything, batch normalisation uses its moving statistics), and the softmax, whose
 * probabilities replace the last layer's logits in its `act:<i>`. No loss, no backward, no
 * optimizer: nothing the training state holds is written.
 *
 * @param plan The plan (its batch size is the inference batch).
 * @param tuning Kernel shapes for a software adapter or a GPU.
 * @returns The kernels.
 * @example
 * ```ts
 * import { planTraining } from "../plan.ts";
 * import { inferenceKernels } from "./_kernels_forward.ts";
 * import assert from "node:assert/strict";
 *
 * const labels = inferenceKernels(planTraining("cnn-basic", 8), "gpu").map((k) => k.label);
 * assert.deepEqual([labels[0], labels.at(-1)], ["infer_gather", "softmax"]);
 * ```
 */
export function inferenceKernels(plan: TrainingPlan, tuning: Tuning = "gpu"): Kernel[] {
  return [inferGather(plan), ...layerForwards(plan, tuning, "infer"), softmaxProbabilities(plan)];
}

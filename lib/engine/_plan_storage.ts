/**
 * Where a plan's tensors live: the step buffers of its layers, the layer owning a layer's
 * output memory (a flatten aliases its input), and the activation that output went through.
 * Split from `plan.ts`, which re-exports the two look-ups.
 *
 * @module
 */
import type {
  BufferKind,
  BufferSpec,
  EngineActivation,
  PlanLayer,
  Shape3,
  TrainingPlan,
} from "./plan.ts";

const size = (s: Shape3) => s.h * s.w * s.c;

/** The step buffers of a plan's layers (see the layout contract in `plan.ts`). */
export function stepBuffers(layers: PlanLayer[], input: Shape3, batch: number): BufferSpec[] {
  const buffers: BufferSpec[] = [
    { name: "images", kind: "images", layer: -1, dtype: "f32", elements: batch * size(input) },
    { name: "labels", kind: "labels", layer: -1, dtype: "u32", elements: batch },
  ];
  const add = (kind: BufferKind, layer: number, dtype: "f32" | "u32", elements: number) =>
    buffers.push({ name: `${kind}:${layer}`, kind, layer, dtype, elements });
  for (const l of layers) {
    const out = batch * size(l.output);
    if (l.kind !== "flatten") add("act", l.index, "f32", out);
    // The gradient of a layer's output is needed when the next layer backpropagates into it.
    const next = layers[l.index + 1];
    if (l.kind !== "flatten" && (next === undefined || next.backpropInput)) {
      add("grad", l.index, "f32", out);
    }
    if (l.kind === "maxPool") add("poolIndex", l.index, "u32", out);
    if (l.kind === "dropout" && l.rate > 0) add("dropoutMask", l.index, "f32", out);
    // The batch's mean and 1 / √(var + ε) per channel, from the forward for the backward.
    if (l.kind === "batchNorm") add("bnStats", l.index, "f32", 2 * l.output.c);
  }
  return buffers;
}

/**
 * The layer whose memory holds layer `index`'s output (a flatten aliases its input; the
 * images, index −1, are the input of layer 0).
 *
 * @param plan The plan.
 * @param index A layer index, or −1 for the images.
 * @returns The index of the layer owning the `act:` / `grad:` buffers (−1: the images).
 * @example
 * ```ts
 * import { planTraining, storageLayer } from "./plan.ts";
 * import assert from "node:assert/strict";
 *
 * const plan = planTraining("mlp", 8); // flatten, dense, dropout, dense
 * assert.equal(storageLayer(plan, 0), -1);
 * ```
 */
export function storageLayer(plan: TrainingPlan, index: number): number {
  let i = index;
  while (i >= 0) {
    const l = plan.layers[i]!;
    if (l.kind !== "flatten") return i;
    i = l.aliasOf;
  }
  return -1;
}

/**
 * The activation applied by the layer storing layer `index`'s output (linear for the images,
 * a pool, a dropout): the derivative a gradient flowing into that output must go through.
 *
 * @param plan The plan.
 * @param index A layer index, or −1 for the images.
 * @returns The activation (a softmax dense's output is its logits: linear).
 * @example
 * ```ts
 * import { planTraining, producerActivation } from "./plan.ts";
 * import assert from "node:assert/strict";
 *
 * const plan = planTraining("mlp", 8); // flatten, dense relu, dropout, dense softmax
 * assert.equal(producerActivation(plan, 1), "relu");
 * assert.equal(producerActivation(plan, 2), "linear");
 * ```
 */
export function producerActivation(plan: TrainingPlan, index: number): EngineActivation {
  const l = plan.layers[storageLayer(plan, index)];
  if (l === undefined || !("activation" in l) || l.activation === "softmax") return "linear";
  return l.activation;
}

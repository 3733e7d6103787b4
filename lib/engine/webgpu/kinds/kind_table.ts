/**
 * The WebGPU engine's one table of layer kinds (the llm.c way): every kind of
 * `PlanLayer["kind"]` maps to its module's forward and backward kernel builders, and the
 * record is exhaustive, so a kind added to the plan without its module here is a type error.
 * The step's forward, backward and inference kernel lists are loops over this table.
 *
 * @module
 */
import type { PlanLayer } from "../../plan.ts";
import { activationKernels } from "./activation.ts";
import { batchNormKernels } from "./batch_norm.ts";
import { conv2dKernels } from "./conv2d.ts";
import { denseKernels } from "./dense.ts";
import { dropoutKernels } from "./dropout.ts";
import { flattenKernels } from "./flatten.ts";
import type { KindKernels, LayerOf } from "./_kind.ts";
import { avgPoolKernels, maxPoolKernels } from "./pool.ts";

export type { ForwardMode, KindKernels } from "./_kind.ts";

/** Every layer kind's kernels, by kind. */
export const KIND_TABLE: { readonly [K in PlanLayer["kind"]]: KindKernels<LayerOf<K>> } = {
  conv2d: conv2dKernels,
  maxPool: maxPoolKernels,
  avgPool: avgPoolKernels,
  dropout: dropoutKernels,
  flatten: flattenKernels,
  dense: denseKernels,
  activation: activationKernels,
  batchNorm: batchNormKernels,
};

/** The kernels of a layer's kind (the table's entry, typed for that layer). */
export function kindOf<L extends PlanLayer>(l: L): KindKernels<L> {
  return KIND_TABLE[l.kind] as unknown as KindKernels<L>;
}

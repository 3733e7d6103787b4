/**
 * What the fast kernels will do for a conv layer at a batch size, without running them:
 * the register blocks of the direct convolution (forward and input gradient) and the work
 * split of the filter gradient, for either tuning. Lets a verification run log the plan it
 * tested, and lets tests see which plans their shapes reach.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { convShapeOf } from "./_conv_shape.ts";
import { type DirectConvPlan, planDirectConv } from "./_direct_conv_program.ts";
import { type FilterGradPlan, planFilterGrad } from "./_filter_grad_plan.ts";
import { forceKernelTuning, type KernelTuning } from "./_tuning.ts";

export { forceKernelTuning };
export type { KernelTuning };

/** A conv layer's geometry (NHWC, stride 1). */
export interface ConvLayerGeometry {
  /** Input `[height, width, channels]`. */
  inShape: [number, number, number];
  /** Filter `[kh, kw, inChannels, outChannels]`. */
  filterShape: [number, number, number, number];
  pad: "valid" | "same";
}

/** The plans of one layer at one batch size; `undefined` where tfjs' kernel runs instead. */
export interface LayerPlans {
  forward?: Pick<DirectConvPlan, "colBlock" | "coGroups" | "workgroupSize">;
  inputGrad?: Pick<DirectConvPlan, "colBlock" | "coGroups" | "workgroupSize">;
  filterGrad?: Pick<
    FilterGradPlan,
    "channelBlock" | "rowBlock" | "coGroups" | "rowsPerSplit" | "splits" | "reduceLanes"
  >;
}

/**
 * The plans the fast kernels choose for a layer.
 *
 * @param layer The layer geometry.
 * @param batch The batch size.
 * @param tuning `gpu` or `cpu` (a software adapter).
 * @returns The forward, input-gradient and filter-gradient plans.
 *
 * @example
 * ```ts
 * import { type ConvLayerGeometry, describeLayerPlans } from "./kernel_plans.ts";
 * import assert from "node:assert/strict";
 *
 * const conv2 = { inShape: [13, 13, 32], filterShape: [3, 3, 32, 64], pad: "valid" };
 * const plans = describeLayerPlans(conv2 as ConvLayerGeometry, 64, "gpu");
 * assert.ok(plans.filterGrad!.rowsPerSplit > 1);
 * ```
 */
export function describeLayerPlans(
  layer: ConvLayerGeometry,
  batch: number,
  tuning: KernelTuning,
): LayerPlans {
  const info = tf.backend_util.computeConv2DInfo(
    [batch, ...layer.inShape],
    layer.filterShape,
    1,
    1,
    layer.pad,
  );
  const shape = convShapeOf(info);
  const forward = planDirectConv(shape, tuning);
  // As conv2d_backprop_input.ts: dx is the direct conv of dy with the flipped filter.
  const inputGrad = planDirectConv({
    ...shape,
    inHeight: shape.outHeight,
    inWidth: shape.outWidth,
    inChannels: shape.outChannels,
    outHeight: shape.inHeight,
    outWidth: shape.inWidth,
    outChannels: shape.inChannels,
    padTop: shape.filterHeight - 1 - shape.padTop,
    padLeft: shape.filterWidth - 1 - shape.padLeft,
  }, tuning);
  const filterGrad = planFilterGrad(shape, tuning);
  const pick = (p: DirectConvPlan | undefined) =>
    p && { colBlock: p.colBlock, coGroups: p.coGroups, workgroupSize: p.workgroupSize };
  return {
    ...(forward ? { forward: pick(forward) } : {}),
    ...(inputGrad ? { inputGrad: pick(inputGrad) } : {}),
    ...(filterGrad
      ? {
        filterGrad: {
          channelBlock: filterGrad.channelBlock,
          rowBlock: filterGrad.rowBlock,
          coGroups: filterGrad.coGroups,
          rowsPerSplit: filterGrad.rowsPerSplit,
          splits: filterGrad.splits,
          reduceLanes: filterGrad.reduceLanes,
        },
      }
      : {}),
  };
}

/**
 * The pool kinds, max and average: forward and the input gradient. The 2×2 stride-2 max-pool
 * (every seed's) has its own kernels (`_pool.ts`); every other window, stride and padding,
 * and every average pool, the general ones (`_pool_general.ts`). After a ReLU a max stores
 * "no index" for a window whose max is 0, so its gradient needs no activation load.
 *
 * @module
 */
import { isPool2x2, producerActivation, type TrainingPlan } from "../../plan.ts";
import { maxPool, poolGrad } from "../_pool.ts";
import { generalPool, generalPoolGrad } from "../_pool_general.ts";
import type { Kernel } from "../_wgsl.ts";
import { actName, gradName, type KindKernels, type LayerOf } from "./_kind.ts";

type Pool = LayerOf<"maxPool" | "avgPool">;

function forward(plan: TrainingPlan, l: Pool): Kernel {
  const relu = producerActivation(plan, l.index - 1) === "relu";
  const input = actName(plan, l.index - 1);
  return l.kind === "maxPool" && isPool2x2(l)
    ? maxPool(plan, l, input, relu)
    : generalPool(plan, l, input, relu);
}

function backward(plan: TrainingPlan, l: Pool): Kernel[] {
  if (!l.backpropInput) return [];
  const into = gradName(plan, l.index - 1);
  return [
    l.kind === "maxPool" && isPool2x2(l)
      ? poolGrad(plan, l, into)
      : generalPoolGrad(plan, l, actName(plan, l.index - 1), into),
  ];
}

/** The max-pool kind's kernels. */
export const maxPoolKernels: KindKernels<LayerOf<"maxPool">> = {
  forward: (plan, l) => [forward(plan, l)],
  backward,
};

/** The average-pool kind's kernels. */
export const avgPoolKernels: KindKernels<LayerOf<"avgPool">> = {
  forward: (plan, l) => [forward(plan, l)],
  backward,
};

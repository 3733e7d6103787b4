/**
 * The arithmetic of one training step, counted from a plan's layer shapes alone: the
 * reference the compiled kernels' own counts (`Kernel.flops`) are checked against, and the
 * conventions they share. 2 FLOPs per multiply-add, 1 per other add, max, compare, exp or
 * division on data; products with zero padding are not counted (they are not work).
 *
 * @module
 */
import {
  type OptimizerSpec,
  type PlanLayer,
  producerActivation,
  type TrainingPlan,
} from "./plan.ts";

/** FLOPs per parameter of one optimizer update (tfjs' arithmetic, see `_kernels_update.ts`). */
export const UPDATE_FLOPS: Readonly<Record<OptimizerSpec["kind"], number>> = Object.freeze({
  // ms: g·g, ·(1−ρ), ms·ρ, + → 4; mom: g·lr, ms + ε, √, ÷, mom·μ, + → 6; value − mom → 1.
  rmsprop: 11,
  // m: 3; v: 4; m̂, v̂: 2 each; √v̂ + ε, ÷, ·(−lr), + → 5.
  adam: 16,
  sgd: 2,
});

/**
 * FLOPs of softmax + clipped cross-entropy + its gradient for one row of `c` logits: max
 * (c), exp of the shifted logits twice (2 · 2c), sum (c), division (c), argmax compares
 * (c), the gradient's subtraction and division (2c); the loss' clip, log and sums (4).
 */
export function softmaxRowFlops(c: number): number {
  return 9 * c + 4;
}

/** FLOPs per output element of a 2×2 max-pool (three compares). */
export const POOL_FLOPS = 3;

/** FLOPs per output element of a pool window of `cells` (compares or adds, and a divide). */
export const poolFlops = (pool: readonly number[]): number => pool[0]! * pool[1]! - 1;

/**
 * Multiply-adds of a convolution (any window and strides) per (batch element, input
 * channel, output channel): every (output pixel, tap) pair whose input pixel is inside the
 * image, counted one by one.
 */
export function convTapCount(layer: Extract<PlanLayer, { kind: "conv2d" }>): number {
  const along = (axis: 0 | 1, inSize: number, outSize: number) => {
    let n = 0;
    for (let o = 0; o < outSize; o++) {
      for (let t = 0; t < layer.window[axis]; t++) {
        const at = o * layer.strides[axis] + t - layer.pads[axis];
        if (at >= 0 && at < inSize) n++;
      }
    }
    return n;
  };
  return along(0, layer.input.h, layer.output.h) * along(1, layer.input.w, layer.output.w);
}

const size = (s: { h: number; w: number; c: number }) => s.h * s.w * s.c;

/** Whether an activation costs a FLOP per element (forward, and its derivative). */
const active = (a: string) => a !== "linear" && a !== "softmax";

/** Forward, input-gradient and weight-gradient FLOPs of one layer for the whole batch. */
export function layerFlops(plan: TrainingPlan, l: PlanLayer): number {
  const b = plan.batchSize;
  const outs = b * size(l.output);
  const ins = b * size(l.input);
  const gate = l.backpropInput && active(producerActivation(plan, l.index - 1)) ? ins : 0;
  switch (l.kind) {
    case "conv2d": {
      const products = 2 * b * convTapCount(l) * l.input.c * l.output.c;
      // Forward + bias + activation; input gradient (+ activation′); filter gradient + bias sums.
      const act = active(l.activation) ? outs : 0;
      return products + outs + act + (l.backpropInput ? products + gate : 0) + products + outs;
    }
    case "dense": {
      const products = 2 * b * l.input.c * l.output.c;
      const act = active(l.activation) ? outs : 0;
      return products + outs + act + (l.backpropInput ? products + gate : 0) + products + outs;
    }
    case "maxPool":
      return poolFlops(l.pool) * outs;
    case "avgPool":
      // The sum's adds and a divide forward; a divide per window and its adds backward.
      return poolFlops(l.pool) * outs + outs + (l.backpropInput ? 2 * outs + gate : 0);
    case "dropout": {
      const scale = l.rate > 0 ? outs : 0;
      return scale + (l.backpropInput ? scale + gate : 0);
    }
    case "activation":
      return (active(l.activation) ? outs : 0) + gate;
    case "flatten":
      return 0;
    case "batchNorm":
      // Forward: mean, variance (3 a value), normalise, scale and shift (4); moving
      // statistics (per channel, negligible). Backward: the two sums (3) and dx (5), with
      // the producer's activation′ as every layer's input gradient applies it.
      return 7 * outs + 3 * outs + (l.backpropInput ? 5 * outs + gate : 0);
  }
}

/**
 * FLOPs of one training step of `plan`: every layer's forward and backward work, the loss,
 * and the optimizer update of every parameter.
 *
 * @param plan The plan (its batch size sets the work).
 * @param optimizer The optimizer kind.
 * @returns The step's FLOPs.
 * @example
 * ```ts
 * import { planTraining } from "./plan.ts";
 * import { stepFlops } from "./plan_flops.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(stepFlops(planTraining("cnn-deep", 64), "rmsprop") > 1e9);
 * ```
 */
export function stepFlops(plan: TrainingPlan, optimizer: OptimizerSpec["kind"]): number {
  let total = plan.batchSize * softmaxRowFlops(plan.classes);
  for (const l of plan.layers) total += layerFlops(plan, l);
  return total + UPDATE_FLOPS[optimizer] * plan.paramCount;
}

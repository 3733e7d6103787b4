/**
 * The dropout kind: inverted dropout whose keep decisions come from a hash of the epoch's
 * seed, the step and the element (`DROPOUT_HASH`), so the backward pass recomputes them and
 * no mask is stored. In inference, and at rate 0, it copies its input.
 *
 * @module
 */
import { producerActivation, type TrainingPlan } from "../../plan.ts";
import { gateCost, storeGated } from "../_activation.ts";
import { elements } from "../_cost.ts";
import { bind, DROPOUT_HASH, dropoutThreshold, flatKernel, type Kernel, lit } from "../_wgsl.ts";
import {
  actName,
  type ForwardMode,
  inputGradBindings,
  type KindKernels,
  type LayerOf,
} from "./_kind.ts";

type Dropout = LayerOf<"dropout">;

/** WGSL: whether element `i` is kept in this step (the executor's `state`: step, seed). */
const keep = (rate: number) => `keep(state[1], state[0], i, ${dropoutThreshold(rate)}u)`;

function forward(plan: TrainingPlan, l: Dropout, mode: ForwardMode): Kernel {
  const n = elements(plan.batchSize, l.output);
  const bindings = [
    bind(actName(plan, l.index - 1), "x", "f32"),
    bind(`act:${l.index}`, "y", "f32", true),
  ];
  const copy = l.rate === 0 || mode === "infer";
  const cost = { flops: copy ? 0 : n, bytes: 8 * n, serialLoop: 0 };
  if (copy) return flatKernel(`dropout${l.index}`, bindings, n, "  y[i] = x[i];", cost);
  return flatKernel(
    `dropout${l.index}`,
    [...bindings, bind("counters", "state", "u32")],
    n,
    `  y[i] = select(0.0, x[i] * ${lit(1 / (1 - l.rate))}, ${keep(l.rate)});`,
    cost,
    DROPOUT_HASH,
  );
}

function backward(plan: TrainingPlan, l: Dropout): Kernel {
  const n = elements(plan.batchSize, l.output);
  const a = producerActivation(plan, l.index - 1);
  const gate = gateCost(a);
  const cost = {
    flops: (l.rate === 0 ? 0 : n) + gate.flops * n,
    bytes: 4 * (2 + gate.reads) * n,
    serialLoop: 0,
  };
  if (l.rate === 0) {
    return flatKernel(
      `dropout${l.index}_dx`,
      inputGradBindings(plan, l, null),
      n,
      `  ${storeGated(a, "dx[i]", "dy[i]", "x[i]")}`,
      cost,
    );
  }
  return flatKernel(
    `dropout${l.index}_dx`,
    inputGradBindings(plan, l, bind("counters", "state", "u32")),
    n,
    `  let g = select(0.0, dy[i] * ${lit(1 / (1 - l.rate))}, ${keep(l.rate)});
  ${storeGated(a, "dx[i]", "g", "x[i]")}`,
    cost,
    DROPOUT_HASH,
  );
}

/** The dropout kind's kernels. */
export const dropoutKernels: KindKernels<Dropout> = {
  forward: (plan, l, _tuning, mode) => [forward(plan, l, mode)],
  backward: (plan, l) => l.backpropInput ? [backward(plan, l)] : [],
};

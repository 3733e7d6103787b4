/**
 * The activation kind: forward y = f(x) elementwise; backward dx = dy with the producer's
 * activation′ applied (the layer's own f′ is applied by whoever writes its gradient, as for
 * every layer with an activation, so its stored `grad:<i>` is w.r.t. its input). vec4 per
 * thread when the element count allows (see `_pool.ts` for why). The activations' WGSL is
 * `_activation.ts`'s.
 *
 * @module
 */
import { producerActivation, type TrainingPlan } from "../../plan.ts";
import { elements } from "../_cost.ts";
import { activationFlops, gateCost, storeActivated, storeGated } from "../_activation.ts";
import { bind, flatKernel, type Kernel } from "../_wgsl.ts";
import { actName, inputGradBindings, type KindKernels, type LayerOf } from "./_kind.ts";

type Act = LayerOf<"activation">;

const vectorOf = (n: number) =>
  n % 4 === 0 ? { w: 4, f: "vec4<f32>" as const } : { w: 1, f: "f32" as const };

/** Forward: `act:<i>` = f(input). */
function forward(plan: TrainingPlan, l: Act): Kernel {
  const n = elements(plan.batchSize, l.output);
  const { w, f } = vectorOf(n);
  return flatKernel(
    `activation${l.index}`,
    [bind(actName(plan, l.index - 1), "x", f), bind(`act:${l.index}`, "y", f, true)],
    n / w,
    `  ${storeActivated(l.activation, "y[i]", "x[i]", f)}`,
    { flops: activationFlops(l.activation) * n, bytes: 8 * n, serialLoop: 0 },
  );
}

/** Backward: the input's gradient (dy, x: the producer's output, dx). */
function backward(plan: TrainingPlan, l: Act): Kernel {
  const n = elements(plan.batchSize, l.output);
  const { w, f } = vectorOf(n);
  const a = producerActivation(plan, l.index - 1);
  const gate = gateCost(a);
  return flatKernel(
    `activation${l.index}_dx`,
    inputGradBindings(plan, l, null).map((b) => ({ ...b, type: f })),
    n / w,
    `  ${storeGated(a, "dx[i]", "dy[i]", "x[i]", f)}`,
    { flops: gate.flops * n, bytes: 4 * (2 + gate.reads) * n, serialLoop: 0 },
  );
}

/** The activation kind's kernels. */
export const activationKernels: KindKernels<Act> = {
  forward: (plan, l) => [forward(plan, l)],
  backward: (plan, l) => l.backpropInput ? [backward(plan, l)] : [],
};

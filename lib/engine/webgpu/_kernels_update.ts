/**
 * WGSL for the end of a step: one dispatch updates every parameter and its optimizer state
 * in the packed arrays with exactly tfjs' arithmetic (the same operations, in the same
 * order, on the same f32 constants as `tf.train.rmsprop` / `adam` / `sgd`), and one
 * single-thread dispatch advances the on-device step counter (and Adam's β powers).
 *
 * @module
 */
import { bind, flatKernel, type Kernel, lit } from "./_wgsl.ts";

import type { OptimizerSpec } from "../plan.ts";
import { UPDATE_FLOPS } from "../plan_flops.ts";

export type { OptimizerSpec };

/** Number of state arrays (`slot0`, `slot1`) an optimizer keeps per parameter. */
export function slotCount(spec: OptimizerSpec): number {
  return spec.kind === "sgd" ? 0 : 2;
}

function updateBody(spec: OptimizerSpec): string {
  switch (spec.kind) {
    case "rmsprop":
      // ms ← ρ·ms + (1−ρ)·g²; mom ← μ·mom + (g·lr) / √(ms + ε); value ← value − mom.
      return `  let g = grads[i];
  let ms = s0[i] * ${lit(spec.decay)} + (g * g) * ${lit(1 - spec.decay)};
  let mom = s1[i] * ${lit(spec.momentum)} + (g * ${lit(spec.learningRate)}) / sqrt(ms + ${
        lit(spec.epsilon)
      });
  s0[i] = ms;
  s1[i] = mom;
  params[i] = params[i] - mom;`;
    case "adam":
      // m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; value ← (m̂ / (√v̂ + ε))·(−lr) + value.
      return `  let g = grads[i];
  let m = s0[i] * ${lit(spec.beta1)} + g * ${lit(1 - spec.beta1)};
  let v = s1[i] * ${lit(spec.beta2)} + (g * g) * ${lit(1 - spec.beta2)};
  let mHat = m / (1.0 - scalars[2]);
  let vHat = v / (1.0 - scalars[3]);
  s0[i] = m;
  s1[i] = v;
  params[i] = (mHat / (sqrt(vHat) + ${lit(spec.epsilon)})) * ${
        lit(-spec.learningRate)
      } + params[i];`;
    case "sgd":
      return `  params[i] = grads[i] * ${lit(-spec.learningRate)} + params[i];`;
  }
}

/** The optimizer update of all `paramCount` parameters, then the step-counter kernel. */
export function updateKernels(spec: OptimizerSpec, paramCount: number): Kernel[] {
  const bindings = [bind("params", "params", "f32", true), bind("grads", "grads", "f32")];
  if (spec.kind !== "sgd") {
    bindings.push(bind("slot0", "s0", "f32", true), bind("slot1", "s1", "f32", true));
  }
  if (spec.kind === "adam") bindings.push(bind("scalars", "scalars", "f32"));
  const betas = spec.kind === "adam"
    ? `\n  scalars[2] = scalars[2] * ${lit(spec.beta1)};\n  scalars[3] = scalars[3] * ${
      lit(spec.beta2)
    };`
    : "";
  // Parameters and gradients read, parameters written, and each slot read and written.
  const arrays = 3 + 2 * slotCount(spec);
  return [
    flatKernel("update", bindings, paramCount, updateBody(spec), {
      flops: UPDATE_FLOPS[spec.kind] * paramCount,
      bytes: 4 * arrays * paramCount,
      serialLoop: 0,
    }),
    flatKernel(
      "finish",
      [bind("counters", "state", "u32", true), bind("scalars", "scalars", "f32", true)],
      1,
      `  state[0] = state[0] + 1u;${betas}`,
      { flops: 0, bytes: 32, serialLoop: 0 },
    ),
  ];
}

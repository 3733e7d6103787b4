/**
 * The one place the WebGPU engine writes an activation in WGSL: its forward (a store of
 * f(value)) and its derivative (a store of g · f′ taken from the output y, as tfjs takes it).
 * Statements, not expressions, so a value is evaluated once; `type` is `f32` or `vec4<f32>`.
 * tanh is written out (e = e^−2|v|) instead of WGSL's `tanh`, which some implementations
 * compute as sinh / cosh and turn into NaN past |v| ≈ 44; sigmoid clamps exp's argument.
 *
 * @module
 */
import type { EngineActivation } from "../plan.ts";

const zero = (type: string) => (type === "f32" ? "0.0" : `${type}(0.0)`);

/**
 * WGSL statement: `target = f(value)`.
 *
 * @param a The activation (softmax: the logits are stored as they are).
 * @param target Where to store, e.g. `y[i]`.
 * @param value The pre-activation expression.
 * @param type Its WGSL type.
 */
export function storeActivated(
  a: EngineActivation | "softmax",
  target: string,
  value: string,
  type = "f32",
): string {
  const z = zero(type);
  switch (a) {
    case "relu":
      return `${target} = max(${value}, ${z});`;
    case "tanh":
      return `{ let act_v = ${value}; let act_e = exp(-2.0 * abs(act_v));
    ${target} = sign(act_v) * ((1.0 - act_e) / (1.0 + act_e)); }`;
    case "sigmoid":
      return `${target} = 1.0 / (1.0 + exp(-clamp(${value}, ${type}(-88.0), ${type}(88.0))));`;
    case "elu":
      return `{ let act_v = ${value}; ${target} = select(exp(min(act_v, ${z})) - 1.0, act_v, act_v > ${z}); }`;
    default:
      return `${target} = ${value};`;
  }
}

/**
 * WGSL statement: `target = g · f′`, with f′ from the activation's output `y`.
 *
 * @param a The activation that produced `y`.
 * @param target Where to store, e.g. `dx[i]`.
 * @param g The gradient w.r.t. the output.
 * @param y The output expression (only loaded when f′ needs it).
 * @param type The WGSL type of `g` and `y`.
 */
export function storeGated(
  a: EngineActivation,
  target: string,
  g: string,
  y: string,
  type = "f32",
): string {
  const z = zero(type);
  switch (a) {
    case "relu":
      return `${target} = select(${z}, ${g}, ${y} > ${z});`;
    case "tanh":
      return `{ let act_y = ${y}; ${target} = ${g} * (1.0 - act_y * act_y); }`;
    case "sigmoid":
      return `{ let act_y = ${y}; ${target} = ${g} * (act_y * (1.0 - act_y)); }`;
    case "elu":
      return `{ let act_y = ${y}; let act_g = ${g}; ${target} = select(act_g * (act_y + 1.0), act_g, act_y > ${z}); }`;
    default:
      return `${target} = ${g};`;
  }
}

/**
 * FLOPs per element of the forward store (beyond the bias add): one for any activation but
 * linear, as `lib/engine/plan_flops.ts` counts it (so a step's kernels sum to the plan's).
 */
export function activationFlops(a: EngineActivation | "softmax"): number {
  return a === "linear" || a === "softmax" ? 0 : 1;
}

/** FLOPs and loads per element of the derivative store (one of each, as for ReLU′). */
export function gateCost(a: EngineActivation): { flops: number; reads: number } {
  return a === "linear" ? { flops: 0, reads: 0 } : { flops: 1, reads: 1 };
}

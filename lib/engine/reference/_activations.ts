/**
 * The activations of the plan in float64 (the one place the reference applies them), and
 * the standalone activation layer's kind. Derivatives are taken from the output, as tfjs
 * takes them (relu′ = y > 0, tanh′ = 1 − y², sigmoid′ = y(1 − y), elu′ = y > 0 ? 1 : y + 1).
 *
 * @module
 */
import type { EngineActivation, PlanLayer } from "../plan.ts";
import { type LayerKind, TIE } from "./_kind_types.ts";

/** f(v) in float64. */
export function activate(a: EngineActivation | "softmax", v: number): number {
  switch (a) {
    case "relu":
      return Math.max(v, 0);
    case "tanh":
      return Math.tanh(v);
    case "sigmoid":
      return 1 / (1 + Math.exp(-v));
    case "elu":
      return v > 0 ? v : Math.expm1(v);
    default: // linear, and softmax, which the loss applies to the logits
      return v;
  }
}

/** f′ expressed through the output y = f(v). */
export function activationSlope(a: EngineActivation | "softmax", y: number): number {
  switch (a) {
    case "relu":
      return y > 0 ? 1 : 0;
    case "tanh":
      return 1 - y * y;
    case "sigmoid":
      return y * (1 - y);
    case "elu":
      return y > 0 ? 1 : y + 1;
    default:
      return 1;
  }
}

/** dy · f′ elementwise (a new array), the gradient w.r.t. the pre-activation. */
export function activationBack(
  a: EngineActivation | "softmax",
  y: Float64Array,
  dy: Float64Array,
): Float64Array {
  return dy.map((g, i) => g * activationSlope(a, y[i]!));
}

type Act = Extract<PlanLayer, { kind: "activation" }>;

/**
 * The activation layer. A ReLU decision on its input has no dot product to measure a tie
 * against, so a nonzero input within `10 · TIE` of the sample's largest input magnitude counts
 * as one (an exact zero, e.g. from an earlier ReLU, is one every engine agrees on).
 */
export const activationKind: LayerKind<Act> = {
  forward(l, x, { n, tie }) {
    const per = x.length / n;
    if (l.activation === "relu") {
      for (let b = 0; b < n; b++) {
        const row = x.subarray(b * per, (b + 1) * per);
        const scale = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        if (row.some((v) => v !== 0 && Math.abs(v) < 10 * TIE * scale)) tie(b);
      }
    }
    return x.map((v) => activate(l.activation, v));
  },
  backward: (l, _x, y, dy) => activationBack(l.activation, y, dy),
};

/**
 * One training step's layer arithmetic in float64, one entry per layer kind of the plan
 * (forward and backward together), so a new kind is one entry here beside its engine
 * modules. Written for clarity, not speed: plain loops over NHWC arrays, the same semantics
 * as `lib/engine/plan.ts` documents (which is what tfjs computes).
 *
 * @module
 */
import type { PlanLayer } from "../plan.ts";
import { activate, activationBack, activationKind } from "./_activations.ts";
import { type KindContext, type LayerKind, TIE } from "./_kind_types.ts";
import { conv2d } from "./_conv_kind.ts";
import { avgPool, maxPool } from "./_pooling.ts";
import { batchNorm } from "./_batch_norm.ts";

export type { KindContext, LayerKind };
export { TIE };

type Of<K extends PlanLayer["kind"]> = Extract<PlanLayer, { kind: K }>;

const dropout: LayerKind<Of<"dropout">> = {
  forward(l, x, { keep }) {
    if (l.rate === 0) return Float64Array.from(x);
    const scale = 1 / (1 - l.rate);
    return x.map((v, i) => (keep(l.index, i) ? v * scale : 0));
  },
  backward(l, _x, _y, dy, { keep }) {
    if (l.rate === 0) return Float64Array.from(dy);
    const scale = 1 / (1 - l.rate);
    return dy.map((v, i) => (keep(l.index, i) ? v * scale : 0));
  },
};

const flatten: LayerKind<Of<"flatten">> = {
  forward: (_l, x) => x,
  backward: (_l, _x, _y, dy) => dy,
};

const dense: LayerKind<Of<"dense">> = {
  forward(l, x, { n, params, tie }) {
    const inputs = l.input.c;
    const units = l.output.c;
    const y = new Float64Array(n * units);
    for (let b = 0; b < n; b++) {
      let rowMag = 0;
      for (let u = 0; u < units; u++) {
        let acc = l.useBias ? params[l.bias.offset + u]! : 0;
        let mag = Math.abs(acc);
        for (let i = 0; i < inputs; i++) {
          const t = x[b * inputs + i]! * params[l.kernel.offset + i * units + u]!;
          acc += t;
          mag += Math.abs(t);
        }
        if (l.activation === "relu" && Math.abs(acc) < TIE * mag) tie(b);
        y[b * units + u] = activate(l.activation, acc);
        rowMag = Math.max(rowMag, mag);
      }
      // The largest logit decides the correct count: two within a hair may swap in float32.
      const [first, second] = [...y.subarray(b * units, (b + 1) * units)].sort((p, q) => q - p);
      if (l.activation === "softmax" && first! - second! < TIE * rowMag) tie(b);
    }
    // softmax is applied with the loss (see reference_step.ts): `y` holds the logits.
    return y;
  },
  backward(l, x, y, dyOut, { n, params, grads }) {
    const inputs = l.input.c;
    const units = l.output.c;
    const dy = activationBack(l.activation, y, dyOut);
    const dx = l.backpropInput ? new Float64Array(x.length) : null;
    for (let b = 0; b < n; b++) {
      for (let u = 0; u < units; u++) {
        const g = dy[b * units + u]!;
        if (l.useBias) grads[l.bias.offset + u] = grads[l.bias.offset + u]! + g;
        for (let i = 0; i < inputs; i++) {
          const wi = l.kernel.offset + i * units + u;
          grads[wi] = grads[wi]! + x[b * inputs + i]! * g;
          if (dx) dx[b * inputs + i] = dx[b * inputs + i]! + params[wi]! * g;
        }
      }
    }
    return dx;
  },
};

/** The table: every plan layer kind's float64 arithmetic. */
export const LAYER_KINDS: { [K in PlanLayer["kind"]]: LayerKind<Of<K>> } = {
  conv2d,
  maxPool,
  avgPool,
  dropout,
  flatten,
  dense,
  activation: activationKind,
  batchNorm,
};

/** The kind entry of a plan layer, typed for it. */
export function kindOf(l: PlanLayer): LayerKind {
  return LAYER_KINDS[l.kind] as unknown as LayerKind;
}

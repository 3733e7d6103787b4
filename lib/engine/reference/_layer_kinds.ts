/**
 * One training step's layer arithmetic in float64, one entry per layer kind of the plan
 * (forward and backward together), so a new kind is one entry here beside its engine
 * modules. Written for clarity, not speed: plain loops over NHWC arrays, the same semantics
 * as `lib/engine/plan.ts` documents (which is what tfjs computes).
 *
 * @module
 */
import type { PlanLayer, Shape3 } from "../plan.ts";
import { activate, activationBack, activationKind } from "./_activations.ts";
import { type KindContext, type LayerKind, TIE } from "./_kind_types.ts";
import { avgPool, maxPool } from "./_pooling.ts";

export type { KindContext, LayerKind };
export { TIE };

type Of<K extends PlanLayer["kind"]> = Extract<PlanLayer, { kind: K }>;
const elems = (s: Shape3) => s.h * s.w * s.c;

const conv2d: LayerKind<Of<"conv2d">> = {
  forward(l, x, ctx) {
    const { n, params } = ctx;
    const { input: s, output: o, kernelSize: k, pad } = l;
    const y = new Float64Array(n * elems(o));
    for (let b = 0; b < n; b++) {
      for (let oh = 0; oh < o.h; oh++) {
        for (let ow = 0; ow < o.w; ow++) {
          for (let co = 0; co < o.c; co++) {
            let acc = params[l.bias.offset + co]!;
            let mag = Math.abs(acc);
            for (let kh = 0; kh < k; kh++) {
              const ih = oh + kh - pad;
              if (ih < 0 || ih >= s.h) continue;
              for (let kw = 0; kw < k; kw++) {
                const iw = ow + kw - pad;
                if (iw < 0 || iw >= s.w) continue;
                const xi = ((b * s.h + ih) * s.w + iw) * s.c;
                const wi = l.kernel.offset + ((kh * k + kw) * s.c) * o.c + co;
                for (let ci = 0; ci < s.c; ci++) {
                  const t = x[xi + ci]! * params[wi + ci * o.c]!;
                  acc += t;
                  mag += Math.abs(t);
                }
              }
            }
            if (l.activation === "relu" && Math.abs(acc) < TIE * mag) ctx.tie(b);
            y[((b * o.h + oh) * o.w + ow) * o.c + co] = activate(l.activation, acc);
          }
        }
      }
    }
    return y;
  },
  backward(l, x, y, dyOut, { n, params, grads }) {
    const { input: s, output: o, kernelSize: k, pad } = l;
    const dy = activationBack(l.activation, y, dyOut);
    const dx = l.backpropInput ? new Float64Array(x.length) : null;
    for (let b = 0; b < n; b++) {
      for (let oh = 0; oh < o.h; oh++) {
        for (let ow = 0; ow < o.w; ow++) {
          for (let co = 0; co < o.c; co++) {
            const g = dy[((b * o.h + oh) * o.w + ow) * o.c + co]!;
            if (g === 0) continue;
            grads[l.bias.offset + co] = grads[l.bias.offset + co]! + g;
            for (let kh = 0; kh < k; kh++) {
              const ih = oh + kh - pad;
              if (ih < 0 || ih >= s.h) continue;
              for (let kw = 0; kw < k; kw++) {
                const iw = ow + kw - pad;
                if (iw < 0 || iw >= s.w) continue;
                const xi = ((b * s.h + ih) * s.w + iw) * s.c;
                const wi = l.kernel.offset + ((kh * k + kw) * s.c) * o.c + co;
                for (let ci = 0; ci < s.c; ci++) {
                  grads[wi + ci * o.c] = grads[wi + ci * o.c]! + x[xi + ci]! * g;
                  if (dx) dx[xi + ci] = dx[xi + ci]! + params[wi + ci * o.c]! * g;
                }
              }
            }
          }
        }
      }
    }
    return dx;
  },
};

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
        let acc = params[l.bias.offset + u]!;
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
        grads[l.bias.offset + u] = grads[l.bias.offset + u]! + g;
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
};

/** The kind entry of a plan layer, typed for it. */
export function kindOf(l: PlanLayer): LayerKind {
  return LAYER_KINDS[l.kind] as unknown as LayerKind;
}

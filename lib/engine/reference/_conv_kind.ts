/**
 * The float64 reference of a conv2d layer (any kernel rows × columns and strides, `valid` or
 * `same` padding, with or without a bias, any activation of `_activations.ts`): forward with tie screening of ReLU
 * inputs, backward into the kernel, the bias (if any) and (where needed) the input.
 *
 * @module
 */
import type { PlanLayer } from "../plan.ts";
import { activate, activationBack } from "./_activations.ts";
import { type LayerKind, TIE } from "./_kind_types.ts";

type Conv = Extract<PlanLayer, { kind: "conv2d" }>;

/**
 * The taps of output pixel (b, oh, ow) that fall inside the input: pairs of the input
 * pixel's first element and the kernel tap's first weight (for output channel 0).
 */
function taps(l: Conv, b: number, oh: number, ow: number): [number, number][] {
  const { input: s, output: o, window: [rows, cols], strides, pads } = l;
  const out: [number, number][] = [];
  for (let kh = 0; kh < rows; kh++) {
    const ih = oh * strides[0] + kh - pads[0];
    if (ih < 0 || ih >= s.h) continue;
    for (let kw = 0; kw < cols; kw++) {
      const iw = ow * strides[1] + kw - pads[1];
      if (iw < 0 || iw >= s.w) continue;
      out.push([((b * s.h + ih) * s.w + iw) * s.c, l.kernel.offset + (kh * cols + kw) * s.c * o.c]);
    }
  }
  return out;
}

/** Calls `each(b, oh, ow, taps)` for every output pixel of the batch. */
function forPixels(
  l: Conv,
  n: number,
  each: (pixel: number, b: number, taps: [number, number][]) => void,
): void {
  const o = l.output;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < o.h; oh++) {
      for (let ow = 0; ow < o.w; ow++) each((b * o.h + oh) * o.w + ow, b, taps(l, b, oh, ow));
    }
  }
}

/** The conv2d kind. */
export const conv2d: LayerKind<Conv> = {
  forward(l, x, ctx) {
    const { n, params } = ctx;
    const { input: s, output: o } = l;
    const y = new Float64Array(n * o.h * o.w * o.c);
    forPixels(l, n, (pixel, b, inside) => {
      for (let co = 0; co < o.c; co++) {
        let acc = l.useBias ? params[l.bias.offset + co]! : 0;
        let mag = Math.abs(acc);
        for (const [xi, w0] of inside) {
          for (let ci = 0; ci < s.c; ci++) {
            const t = x[xi + ci]! * params[w0 + ci * o.c + co]!;
            acc += t;
            mag += Math.abs(t);
          }
        }
        if (l.activation === "relu" && Math.abs(acc) < TIE * mag) ctx.tie(b);
        y[pixel * o.c + co] = activate(l.activation, acc);
      }
    });
    return y;
  },
  backward(l, x, y, dyOut, { n, params, grads }) {
    const { input: s, output: o } = l;
    const dy = activationBack(l.activation, y, dyOut);
    const dx = l.backpropInput ? new Float64Array(x.length) : null;
    forPixels(l, n, (pixel, _b, inside) => {
      for (let co = 0; co < o.c; co++) {
        const g = dy[pixel * o.c + co]!;
        if (g === 0) continue;
        if (l.useBias) grads[l.bias.offset + co] = grads[l.bias.offset + co]! + g;
        for (const [xi, w0] of inside) {
          for (let ci = 0; ci < s.c; ci++) {
            const wi = w0 + ci * o.c + co;
            grads[wi] = grads[wi]! + x[xi + ci]! * g;
            if (dx) dx[xi + ci] = dx[xi + ci]! + params[wi]! * g;
          }
        }
      }
    });
    return dx;
  },
};

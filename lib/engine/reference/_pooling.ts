/**
 * The reference's pooling kinds in float64: max (the window's first maximum, its gradient
 * routed there) and average (the mean of the window's valid cells, its gradient spread over
 * them), for any window, strides and padding the plan resolves (`_plan_pool.ts`).
 *
 * @module
 */
import type { PlanLayer } from "../plan.ts";
import { type LayerKind, TIE } from "./_kind_types.ts";

type Pool = Extract<PlanLayer, { kind: "maxPool" | "avgPool" }>;

/**
 * Calls `visit` for each sample, output element and channel with the flat input indices of
 * its window's valid (non-padded) cells, in row-major order.
 */
function forEachWindow(
  l: Pool,
  n: number,
  visit: (b: number, out: number, cells: number[]) => void,
): void {
  const { input: s, output: o, pool, strides, pad } = l;
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < o.h; oh++) {
      for (let ow = 0; ow < o.w; ow++) {
        for (let c = 0; c < o.c; c++) {
          const cells: number[] = [];
          for (let ph = 0; ph < pool[0]; ph++) {
            const ih = oh * strides[0] - pad[0] + ph;
            if (ih < 0 || ih >= s.h) continue;
            for (let pw = 0; pw < pool[1]; pw++) {
              const iw = ow * strides[1] - pad[1] + pw;
              if (iw >= 0 && iw < s.w) cells.push(((b * s.h + ih) * s.w + iw) * s.c + c);
            }
          }
          visit(b, ((b * o.h + oh) * o.w + ow) * o.c + c, cells);
        }
      }
    }
  }
}

/** Flat input index of each window's first maximum; `onTie` hears of near-ties. */
function argmaxPool(
  l: Pool,
  x: Float64Array,
  n: number,
  onTie: (sample: number) => void = () => {},
): Int32Array {
  const index = new Int32Array(n * l.output.h * l.output.w * l.output.c);
  forEachWindow(l, n, (b, o, cells) => {
    let best = -1;
    for (const i of cells) {
      // |·|: after a linear, tanh or elu activation the window's values may be negative.
      if (best < 0 || x[i]! > x[best]!) {
        if (best >= 0 && x[i]! - x[best]! < TIE * Math.abs(x[i]!)) onTie(b);
        best = i;
      } else if (x[i]! !== x[best]! && x[best]! - x[i]! < TIE * Math.abs(x[best]!)) {
        onTie(b);
      }
    }
    index[o] = best;
  });
  return index;
}

/** Max pooling: the forward screens near-ties, which float32 may decide the other way. */
export const maxPool: LayerKind<Extract<Pool, { kind: "maxPool" }>> = {
  forward(l, x, { n, tie }) {
    return Float64Array.from(argmaxPool(l, x, n, tie), (i) => x[i]!);
  },
  backward(l, x, _y, dy, { n }) {
    const dx = new Float64Array(x.length);
    argmaxPool(l, x, n).forEach((i, o) => (dx[i] = dx[i]! + dy[o]!));
    return dx;
  },
};

/** Average pooling over the valid cells (tfjs' avgPool with `same` padding divides so). */
export const avgPool: LayerKind<Extract<Pool, { kind: "avgPool" }>> = {
  forward(l, x, { n }) {
    const y = new Float64Array(n * l.output.h * l.output.w * l.output.c);
    forEachWindow(l, n, (_b, o, cells) => {
      let sum = 0;
      for (const i of cells) sum += x[i]!;
      y[o] = sum / cells.length;
    });
    return y;
  },
  backward(l, x, _y, dy, { n }) {
    const dx = new Float64Array(x.length);
    forEachWindow(l, n, (_b, o, cells) => {
      for (const i of cells) dx[i] = dx[i]! + dy[o]! / cells.length;
    });
    return dx;
  },
};

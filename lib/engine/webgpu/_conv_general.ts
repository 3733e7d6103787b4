/**
 * WGSL for a conv of any kernel rows × columns and strides (the square stride-1 conv keeps
 * the tiled kernels of `_tiles.ts` and `_filter_grad*.ts`): one thread per output element
 * forward; one per input element for the input gradient, gathering from the output pixels
 * whose window covers it (a strided conv's transpose needs no atomics that way); one per
 * kernel or bias element and part of the batch's rows for the filter gradient, the parts
 * summed by `_split_reduce.ts`. Plain loops, no register tiles: correct first, these layers
 * are rare (a strided stem, a 5×3 kernel).
 *
 * @module
 */
import type { PlanLayer } from "../plan.ts";
import { convTapCount } from "../plan_flops.ts";
import { elements } from "./_cost.ts";
import { kernelBiasAddress } from "./_filter_grad.ts";
import { MIN_THREADS, splitParts } from "./_gpu_sizing.ts";
import { splitReduce } from "./_split_reduce.ts";
import { bind, type Cost, flatKernel, type Kernel, type KernelBinding } from "./_wgsl.ts";

type Conv = Extract<PlanLayer, { kind: "conv2d" }>;

/** Serial loop count of a nest of constant loops (`Cost.serialLoop`), outermost first. */
const nest = (trips: number[]): number => trips.reduceRight((inner, n) => n * (1 + inner), 0);

/** Multiply-adds of the conv over the batch (taps inside the input only). */
const products = (batch: number, l: Conv) => batch * convTapCount(l) * l.input.c * l.output.c;

/** WGSL: the kernel weight at tap (kh, kw), input channel ci, output channel co. */
const weight = (l: Conv, ci: string, co: string) =>
  `params[${l.kernel.offset}u + ((kh * ${
    l.window[1]
  }u + kw) * ${l.input.c}u + ${ci}) * ${l.output.c}u + ${co}]`;

/**
 * The forward conv: thread `i` is output element (b, oh, ow, co); `store(acc, co)` writes
 * it (bias and activation).
 */
export function generalConv(
  l: Conv,
  label: string,
  batch: number,
  bindings: KernelBinding[],
  store: { code: (acc: string, co: string) => string; flops: number },
): Kernel {
  const { input: s, output: o, window: [kh, kw], strides, pads } = l;
  const body = `  let co = i % ${o.c}u;
  let ow = (i / ${o.c}u) % ${o.w}u;
  let oh = (i / ${o.c * o.w}u) % ${o.h}u;
  let b = i / ${o.c * o.w * o.h}u;
  var acc = 0.0;
  for (var kh = 0u; kh < ${kh}u; kh++) {
    let ih = i32(oh * ${strides[0]}u + kh) - ${pads[0]};
    if (ih < 0 || ih >= ${s.h}) { continue; }
    for (var kw = 0u; kw < ${kw}u; kw++) {
      let iw = i32(ow * ${strides[1]}u + kw) - ${pads[1]};
      if (iw < 0 || iw >= ${s.w}) { continue; }
      let xi = ((b * ${s.h}u + u32(ih)) * ${s.w}u + u32(iw)) * ${s.c}u;
      for (var ci = 0u; ci < ${s.c}u; ci++) { acc = fma(x[xi + ci], ${
    weight(l, "ci", "co")
  }, acc); }
    }
  }
  ${store.code("acc", "co")}`;
  const outs = elements(batch, o);
  return flatKernel(label, bindings, outs, body, {
    flops: 2 * products(batch, l) + store.flops * outs,
    bytes: 4 * (elements(batch, s) + kh * kw * s.c * o.c + outs),
    serialLoop: nest([kh, kw, s.c]),
  });
}

/**
 * The input gradient: thread `i` is input element (b, ih, iw, ci), summing dy · W over the
 * output pixels whose window covers it; `store(acc)` writes it (with the producer's f′).
 */
export function generalConvInputGrad(
  l: Conv,
  label: string,
  batch: number,
  bindings: KernelBinding[],
  store: { code: (acc: string) => string; flops: number; reads: number },
): Kernel {
  const { input: s, output: o, window: [kh, kw], strides, pads } = l;
  const body = `  let ci = i % ${s.c}u;
  let iw = i32((i / ${s.c}u) % ${s.w}u);
  let ih = i32((i / ${s.c * s.w}u) % ${s.h}u);
  let b = i / ${s.c * s.w * s.h}u;
  var acc = 0.0;
  for (var kh = 0u; kh < ${kh}u; kh++) {
    let th = ih + ${pads[0]} - i32(kh);
    if (th < 0 || th % ${strides[0]} != 0 || th / ${strides[0]} >= ${o.h}) { continue; }
    for (var kw = 0u; kw < ${kw}u; kw++) {
      let tw = iw + ${pads[1]} - i32(kw);
      if (tw < 0 || tw % ${strides[1]} != 0 || tw / ${strides[1]} >= ${o.w}) { continue; }
      let yi = ((b * ${o.h}u + u32(th / ${strides[0]})) * ${o.w}u + u32(tw / ${
    strides[1]
  })) * ${o.c}u;
      for (var co = 0u; co < ${o.c}u; co++) { acc = fma(dy[yi + co], ${
    weight(l, "ci", "co")
  }, acc); }
    }
  }
  ${store.code("acc")}`;
  const ins = elements(batch, s);
  return flatKernel(label, bindings, ins, body, {
    flops: 2 * products(batch, l) + store.flops * ins,
    bytes: 4 * ((2 + store.reads) * ins + elements(batch, o) + kh * kw * s.c * o.c),
    serialLoop: nest([kh, kw, o.c]),
  });
}

/**
 * WGSL body of the filter-gradient kernel: element `e` of part `sp` (`per` rows of `rows`),
 * a bias element (`e >= taps`) summing dy, a kernel element summing x · dy; writes `target`.
 */
function filterGradBody(l: Conv, rows: number, per: number, target: string): string {
  const { input: s, output: o, window: [, kw], strides, pads } = l;
  const taps = l.window[0] * kw * s.c * o.c;
  return `  let e = i % ${taps + o.c}u;
  let sp = i / ${taps + o.c}u;
  var acc = 0.0;
  if (e >= ${taps}u) {
    let co = e - ${taps}u;
    for (var q = 0u; q < ${per}u; q++) {
      let row = sp * ${per}u + q;
      if (row >= ${rows}u) { break; }
      for (var ow = 0u; ow < ${o.w}u; ow++) { acc += dy[(row * ${o.w}u + ow) * ${o.c}u + co]; }
    }
    ${target} = acc;
    return;
  }
  {
    let co = e % ${o.c}u;
    let ci = (e / ${o.c}u) % ${s.c}u;
    let kw = (e / ${o.c * s.c}u) % ${kw}u;
    let kh = e / ${o.c * s.c * kw}u;
    for (var q = 0u; q < ${per}u; q++) {
      let row = sp * ${per}u + q;
      if (row >= ${rows}u) { break; }
      let b = row / ${o.h}u;
      let ih = i32((row % ${o.h}u) * ${strides[0]}u + kh) - ${pads[0]};
      if (ih < 0 || ih >= ${s.h}) { continue; }
      for (var ow = 0u; ow < ${o.w}u; ow++) {
        let iw = i32(ow * ${strides[1]}u + kw) - ${pads[1]};
        if (iw < 0 || iw >= ${s.w}) { continue; }
        acc = fma(x[((b * ${s.h}u + u32(ih)) * ${s.w}u + u32(iw)) * ${s.c}u + ci], dy[(row * ${o.w}u + ow) * ${o.c}u + co], acc);
      }
    }
  }
  ${target} = acc;`;
}

/**
 * The filter and bias gradient: thread `i` is element `e` of the kernel + bias gradient
 * over part `sp` of the batch's rows (b, oh); parts write `scratch`, summed by a second
 * kernel. `bindings`: x, dy, grads.
 */
export function generalConvFilterGrad(
  l: Conv,
  label: string,
  batch: number,
  bindings: KernelBinding[],
): Kernel[] {
  const { input: s, output: o, window: [kh, kw] } = l;
  const taps = kh * kw * s.c * o.c;
  const size = taps + o.c;
  const rows = batch * o.h;
  const { parts, per } = splitParts(rows, size, MIN_THREADS, size, 1 + o.w);
  const address = (e: string) => kernelBiasAddress(l.kernel.offset, l.bias.offset, taps, e);
  const target = parts > 1 ? `scratch[sp * ${size}u + e]` : address("e");
  const cost: Cost = {
    flops: 2 * products(batch, l) + elements(batch, o),
    bytes: 4 * (elements(batch, s) + elements(batch, o) + parts * size),
    serialLoop: nest([per, o.w]),
  };
  const split = parts > 1 ? [bind("scratch", "scratch", "f32", true)] : [];
  const body = filterGradBody(l, rows, per, target);
  const main = flatKernel(label, [...bindings, ...split], size * parts, body, cost);
  if (parts === 1) return [main];
  const reduce = splitReduce({
    label: `${label}_sum`,
    parts,
    size,
    store: (e, sum) => `${address(e)} = ${sum};`,
    storeFlops: 0,
    bindings: [bindings[2]!],
  });
  return [{ ...main, scratch: parts * size }, reduce];
}

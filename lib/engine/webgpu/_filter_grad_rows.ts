/**
 * The conv filter gradient shaped for llvmpipe, where buffer loads, not multiply-adds, are
 * the cost: each thread owns one kernel row `kh`, every `kw`, and a block of input × output
 * channels, and walks each output row keeping the last `k` input columns in registers, so
 * each step loads one input column and one gradient pixel for `k · ci · co` multiply-adds.
 * When that leaves too few threads to keep every core busy (the first conv has one input
 * channel), the batch is split across threads and a second dispatch sums the partials.
 *
 * @module
 */
import type { Shape3 } from "../plan.ts";
import { bind, flatKernel, type Kernel, type KernelBinding } from "./_wgsl.ts";
import { CPU_ACCUMULATORS, CPU_FMAS } from "./_tiles.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** What the filter-gradient kernels need. */
export interface FilterGradSpec {
  label: string;
  /** x (the conv input), dy (the conv output's gradient) and grads (written), in that order. */
  bindings: KernelBinding[];
  batch: number;
  input: Shape3;
  output: Shape3;
  k: number;
  pad: number;
  kernelOffset: number;
  biasOffset: number;
}

/** Threads that keep two 8-lane cores busy with room for imbalance. */
const MIN_THREADS = 32;

/**
 * The filter and bias gradient of a conv as one or two kernels (the second sums a split
 * batch's partials, kept in the executor's `scratch` buffer).
 */
export function filterGradRows(spec: FilterGradSpec): Kernel[] {
  const { input: s, output: o, k, pad, batch } = spec;
  const tci = s.c % 8 === 0 ? 8 : s.c % 4 === 0 ? 4 : 1;
  let tco = 1;
  for (let c = o.c; c > 1; c--) {
    if (o.c % c === 0 && k * tci * c <= CPU_FMAS && k * tci * c <= 2 * CPU_ACCUMULATORS) {
      tco = c;
      break;
    }
  }
  const ciTiles = s.c / tci;
  const coTiles = o.c / tco;
  const base = k * ciTiles * coTiles;
  const split = Math.min(batch, Math.max(1, Math.ceil(MIN_THREADS / base)));
  const per = Math.ceil(batch / split);
  const weights = k * k * s.c * o.c;
  const ins = range(tci);
  const outs = range(tco);
  const kws = range(k);
  const masked = pad > 0;
  const load = (kw: number, a: number, iw: string) => {
    const index = `(xrow + u32(clamp(${iw}, 0, ${s.w - 1}))) * ${s.c}u + ci0 + ${a}u`;
    return masked
      ? `w${kw}_${a} = select(0.0, x[${index}], ${iw} >= 0 && ${iw} < ${s.w});`
      : `w${kw}_${a} = x[${index}];`;
  };
  const target = split === 1 ? "grads" : "scratch";
  const at = (kw: number, a: number, c: number) =>
    `${
      split === 1 ? `${spec.kernelOffset}u + ` : `sp * ${weights}u + `
    }((kh * ${k}u + ${kw}u) * ${s.c}u + ci0 + ${a}u) * ${o.c}u + co0 + ${c}u`;
  const body = `  if (i >= ${base * split}u) {
    let co = i - ${base * split}u;
    var sum = 0.0;
    for (var p = 0u; p < ${batch * o.h * o.w}u; p++) { sum += dy[p * ${o.c}u + co]; }
    grads[${spec.biasOffset}u + co] = sum;
    return;
  }
  let co0 = (i % ${coTiles}u) * ${tco}u;
  var t = i / ${coTiles}u;
  let ci0 = (t % ${ciTiles}u) * ${tci}u;
  t = t / ${ciTiles}u;
  let kh = t % ${k}u;
  let sp = t / ${k}u;
${
    kws.flatMap((kw) => ins.flatMap((a) => outs.map((c) => `  var a${kw}_${a}_${c} = 0.0;`))).join(
      "\n",
    )
  }
${kws.flatMap((kw) => ins.map((a) => `  var w${kw}_${a} = 0.0;`)).join("\n")}
  for (var b = sp * ${per}u; b < min(${batch}u, sp * ${per}u + ${per}u); b++) {
    for (var oh = 0u; oh < ${o.h}u; oh++) {
      let ih = i32(oh + kh) - ${pad};
      if (ih < 0 || ih >= ${s.h}) { continue; }
      let xrow = (b * ${s.h}u + u32(ih)) * ${s.w}u;
      let yrow = (b * ${o.h}u + oh) * ${o.w}u;
${
    kws.slice(0, -1).flatMap((kw) => ins.map((a) => `      ${load(kw, a, `${kw - pad}`)}`)).join(
      "\n",
    )
  }
      for (var ow = 0u; ow < ${o.w}u; ow++) {
        let iw = i32(ow) + ${k - 1 - pad};
${ins.map((a) => `        ${load(k - 1, a, "iw")}`).join("\n")}
        let y = (yrow + ow) * ${o.c}u + co0;
${outs.map((c) => `        let d${c} = dy[y + ${c}u];`).join("\n")}
${
    kws.flatMap((kw) =>
      ins.flatMap((a) =>
        outs.map((c) => `        a${kw}_${a}_${c} = fma(w${kw}_${a}, d${c}, a${kw}_${a}_${c});`)
      )
    ).join("\n")
  }
${
    kws.slice(0, -1).flatMap((kw) => ins.map((a) => `        w${kw}_${a} = w${kw + 1}_${a};`)).join(
      "\n",
    )
  }
      }
    }
  }
${
    kws.flatMap((kw) =>
      ins.flatMap((a) => outs.map((c) => `  ${target}[${at(kw, a, c)}] = a${kw}_${a}_${c};`))
    ).join("\n")
  }`;
  const bindings = split === 1
    ? spec.bindings
    : [...spec.bindings, bind("scratch", "scratch", "f32", true)];
  const main = flatKernel(spec.label, bindings, base * split + o.c, body, "", 8);
  if (split === 1) return [main];
  const reduce = flatKernel(
    `${spec.label}_sum`,
    [bind("scratch", "scratch", "f32"), spec.bindings[2]!],
    weights,
    `  var sum = 0.0;
  for (var p = 0u; p < ${split}u; p++) { sum += scratch[p * ${weights}u + i]; }
  grads[${spec.kernelOffset}u + i] = sum;`,
  );
  return [{ ...main, scratch: split * weights }, reduce];
}

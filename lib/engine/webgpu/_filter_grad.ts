/**
 * The conv filter gradient, in two shapes. For llvmpipe, where buffer loads, not
 * multiply-adds, are the cost (`filterGradRows`): each thread owns one kernel row `kh`,
 * every `kw`, and a block of input × output channels, and walks each output row keeping the
 * last `k` input columns in registers, so each step loads one input column and one gradient
 * pixel for `k · ci · co` multiply-adds; when that leaves too few threads to keep every core
 * busy (the first conv has one input channel), the batch is split across threads and a
 * second dispatch sums the partials (`_filter_grad_split.ts`). For GPUs see
 * `_filter_grad_gpu.ts`.
 *
 * @module
 */
import { bind, type Kernel, range } from "./_wgsl.ts";
import { biasThreads, type FilterGradSpec, finish, target } from "./_filter_grad_split.ts";
import { type RowsBlock, rowsBlock } from "./_filter_grad_block.ts";

export { gradAddress, kernelBiasAddress } from "./_filter_grad_split.ts";
export type { FilterGradSpec } from "./_filter_grad_split.ts";

/**
 * WGSL loading input column `iw` of unit `u` into register `w<kw>_<u>`. Four channels per
 * load where they line up (a vec4 storage load costs ~19 ns on llvmpipe against ~9 ns for a
 * scalar one): cnn-deep's conv2 at batch 64, 23 → 18 ms.
 */
function pixel(spec: FilterGradSpec, r: RowsBlock, kw: number, u: number, iw: string): string {
  const s = spec.input;
  const column = `(xrow${Math.floor(u / r.tci)} + u32(clamp(${iw}, 0, ${
    s.w - 1
  }))) * ${s.c}u + ci0`;
  const inside = `${iw} >= 0 && ${iw} < ${s.w}`;
  const masked = spec.pad > 0;
  if (r.tci % 4 !== 0) {
    const value = `x[${column} + ${u % r.tci}u]`;
    return `w${kw}_${u} = ${masked ? `select(0.0, ${value}, ${inside})` : value};`;
  }
  if (u % 4 !== 0) return "";
  const value = `x4[(${column} + ${u % r.tci}u) / 4u]`;
  return `{ let q = ${masked ? `select(vec4<f32>(0.0), ${value}, ${inside})` : value}; ${
    range(4).map((e) => `w${kw}_${u + e} = q[${e}];`).join(" ")
  } }`;
}

/** Whether dy is read four output channels at a time. */
const vecDy = (spec: FilterGradSpec, r: RowsBlock) => r.tco % 4 === 0 && spec.output.c % 4 === 0;

/** WGSL loading the `tco` gradients `d<c>` of the output pixel at `y`. */
function gradLoads(spec: FilterGradSpec, r: RowsBlock): string {
  if (!vecDy(spec, r)) {
    return range(r.tco).map((c) => `        let d${c} = dy[y + ${c}u];`).join("\n");
  }
  return range(r.tco / 4).map((g) =>
    `        let q${g} = dy4[(y + ${4 * g}u) / 4u];\n${
      range(4).map((e) => `        let d${4 * g + e} = q${g}[${e}];`).join("\n")
    }`
  ).join("\n");
}

/** The thread's block indices and zeroed accumulators and registers. */
function threadHeader(spec: FilterGradSpec, r: RowsBlock): string {
  const units = range(r.kr * r.tci);
  const outs = range(r.tco);
  const kws = range(spec.k);
  return `${r.fused ? "" : biasThreads(spec, r.sp, r.base * r.sp.split)}
  let co0 = (i % ${r.coTiles}u) * ${r.tco}u;
  var t = i / ${r.coTiles}u;
  let ci0 = (t % ${r.ciTiles}u) * ${r.tci}u;
  t = t / ${r.ciTiles}u;
${r.fused ? outs.map((c) => `  var bias${c} = 0.0;`).join("\n") : ""}
  let kh0 = (t % ${r.khTiles}u) * ${r.kr}u;
  let sp = t / ${r.khTiles}u;
${
    kws.flatMap((kw) => units.flatMap((a) => outs.map((c) => `  var a${kw}_${a}_${c} = 0.0;`)))
      .join("\n")
  }
${kws.flatMap((kw) => units.map((a) => `  var w${kw}_${a} = 0.0;`)).join("\n")}`;
}

/** The walk over the thread's images, output rows and columns. */
function imageLoop(spec: FilterGradSpec, r: RowsBlock): string {
  const { input: s, output: o, k, pad, batch } = spec;
  const units = range(r.kr * r.tci);
  const outs = range(r.tco);
  const kws = range(k);
  const rows = r.kr === 1
    ? `      let ih = i32(oh + kh0) - ${pad};
      if (ih < 0 || ih >= ${s.h}) { continue; }
      let xrow0 = (b * ${s.h}u + u32(ih)) * ${s.w}u;`
    : range(r.kr).map((q) => `      let xrow${q} = (b * ${s.h}u + oh + ${q}u) * ${s.w}u;`).join(
      "\n",
    );
  const { per } = r.sp;
  return `  for (var b = sp * ${per}u; b < min(${batch}u, sp * ${per}u + ${per}u); b++) {
    for (var oh = 0u; oh < ${o.h}u; oh++) {
${rows}
      let yrow = (b * ${o.h}u + oh) * ${o.w}u;
${
    kws.slice(0, -1).flatMap((kw) =>
      units.map((a) => `      ${pixel(spec, r, kw, a, `${kw - pad}`)}`)
    )
      .join("\n")
  }
      for (var ow = 0u; ow < ${o.w}u; ow++) {
        let iw = i32(ow) + ${k - 1 - pad};
${units.map((a) => `        ${pixel(spec, r, k - 1, a, "iw")}`).join("\n")}
        let y = (yrow + ow) * ${o.c}u + co0;
${gradLoads(spec, r)}
${r.fused ? outs.map((c) => `        bias${c} += d${c};`).join("\n") : ""}
${
    kws.flatMap((kw) =>
      units.flatMap((a) =>
        outs.map((c) => `        a${kw}_${a}_${c} = fma(w${kw}_${a}, d${c}, a${kw}_${a}_${c});`)
      )
    ).join("\n")
  }
${
    kws.slice(0, -1).flatMap((kw) => units.map((a) => `        w${kw}_${a} = w${kw + 1}_${a};`))
      .join("\n")
  }
      }
    }
  }`;
}

/** The accumulators stored (and, fused, the bias sums of the threads at kh0 = ci0 = 0). */
function threadStores(spec: FilterGradSpec, r: RowsBlock): string {
  const { input: s, output: o, k } = spec;
  const at = (kw: number, u: number, c: number) =>
    target(
      spec,
      r.sp,
      `(((kh0 + ${Math.floor(u / r.tci)}u) * ${k}u + ${kw}u) * ${s.c}u + ci0 + ${
        u % r.tci
      }u) * ${o.c}u + co0 + ${c}u`,
    );
  const outs = range(r.tco);
  const stores = range(k).flatMap((kw) =>
    range(r.kr * r.tci).flatMap((a) => outs.map((c) => `  ${at(kw, a, c)} = a${kw}_${a}_${c};`))
  );
  const bias = outs.map((c) =>
    `    ${target(spec, r.sp, `${r.sp.size - o.c}u + co0 + ${c}u`)} = bias${c};`
  );
  return `${stores.join("\n")}
${r.fused ? `  if (ci0 == 0u && kh0 == 0u) {\n${bias.join("\n")}\n  }` : ""}`;
}

/**
 * The filter and bias gradient of a conv as one or two kernels (the second sums a split
 * batch's partials, kept in the executor's `scratch` buffer).
 */
export function filterGradRows(spec: FilterGradSpec): Kernel[] {
  const r = rowsBlock(spec);
  const body = `${threadHeader(spec, r)}
${imageLoop(spec, r)}
${threadStores(spec, r)}`;
  const extra = [
    ...(r.tci % 4 === 0 ? [bind(spec.bindings[0]!.buffer, "x4", "vec4<f32>")] : []),
    ...(vecDy(spec, r) ? [bind(spec.bindings[1]!.buffer, "dy4", "vec4<f32>")] : []),
  ];
  const threads = r.base * r.sp.split;
  return finish(spec, r.sp, threads, body, 8, r.passes(r.sp.per), extra, !r.fused);
}

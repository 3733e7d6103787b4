/**
 * The first WGSL program of the fast `Conv2DBackpropFilter`: an implicit GEMM
 * dW[kh,kw,ci,co] = Σ_(b,oh,ow) x[b,oh+kh-pt,ow+kw-pl,ci] · dy[b,oh,ow,co] whose reduction
 * (batch × output positions) is split across threads, then a second pass that sums the
 * partial results (`_filter_grad_reduce.ts`). Each thread keeps a block of filter
 * elements × output channels in registers and slides a window along the output row, so
 * every x value is loaded once per thread and each dy vec4 feeds one vec4 multiply-add per
 * filter element the thread holds (9–36 on a GPU, up to 144 on llvmpipe).
 *
 * @module
 */
import type { ProgramUniform, WebGpuProgram } from "./_backend_internals.ts";
import { type FilterGradPlan, threadsPerSplit } from "./_filter_grad_plan.ts";

/** The plan fields a shader bakes in; batch-dependent ones are uniforms (no recompiles). */
function shaderKeyOf(p: FilterGradPlan): string {
  return [
    p.inHeight,
    p.inWidth,
    p.inChannels,
    p.outHeight,
    p.outWidth,
    p.outChannels,
    p.filterHeight,
    p.filterWidth,
    p.padTop,
    p.padLeft,
    p.channelBlock,
    p.rowBlock,
    p.coGroups,
    p.workgroupSize,
  ].join("_");
}

/** Pass 1: partial filter gradients, shape [splits, kh·kw·ci, co] (or the filter shape). */
export class FilterGradPartialProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames = ["x", "dy"];
  variableComponents: number[];
  outputComponent = 4;
  workgroupSize: [number, number, number];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  uniforms = "rows : i32, rowsPerSplit : i32, threads : i32,";
  /** The values of `uniforms`, for `runWebGPUProgram`. */
  readonly uniformData: ProgramUniform[];

  constructor(readonly plan: FilterGradPlan) {
    const p = plan;
    const m = p.filterHeight * p.filterWidth * p.inChannels;
    this.outputShape = p.splits === 1
      ? [p.filterHeight, p.filterWidth, p.inChannels, p.outChannels]
      : [p.splits, m, p.outChannels];
    this.variableComponents = [p.channelBlock === 4 ? 4 : 1, 4];
    const threads = p.splits * threadsPerSplit(p);
    this.workgroupSize = [p.workgroupSize, 1, 1];
    this.dispatch = [Math.ceil(threads / p.workgroupSize), 1, 1];
    this.uniformData = [p.batch * p.outHeight, p.rowsPerSplit, threads]
      .map((value) => ({ type: "int32", data: [value] }));
    this.shaderKey = `fastFilterGradPartial_${shaderKeyOf(p)}`;
  }

  getUserCode(): string {
    const p = this.plan;
    const vec = p.channelBlock === 4;
    const xStride = vec ? p.inChannels / 4 : p.inChannels; // x elements per pixel
    const n4 = p.outChannels / 4;
    const ng = n4 / p.coGroups;
    const mBlocks = threadsPerSplit(p) / ng;
    const m = p.filterHeight * p.filterWidth * p.inChannels;
    const rowCheck = p.padTop > 0 || p.outHeight + p.filterHeight - 1 - p.padTop > p.inHeight;
    const colCheck = p.padLeft > 0 || p.outWidth + p.filterWidth - 1 - p.padLeft > p.inWidth;
    const kws = range(p.filterWidth);
    const khs = range(p.rowBlock);
    const chans = range(vec ? 1 : p.channelBlock);
    const gs = range(p.coGroups);
    const zero = vec ? "vec4<f32>(0.0)" : "0.0";
    const lanes = vec ? [".x", ".y", ".z", ".w"] : [""];
    // The x value(s) of filter row kh at input column iw (an expression), for channel c.
    const load = (kh: number, iw: string, c: number) => {
      const ok = [rowCheck ? `ok${kh}` : "", colCheck ? `(${iw} >= 0 && ${iw} < ${p.inWidth})` : ""]
        .filter(Boolean).join(" && ");
      const idx = `xb${kh} + (${iw}) * ${xStride} + ${c}`;
      return ok ? `select(${zero}, x[select(0, ${idx}, ${ok})], ${ok})` : `x[${idx}]`;
    };
    // Multiply-adds of one output position, with window value names from `w(kh, kw, c)`.
    const fmas = (w: (kh: number, kw: number, c: number) => string) =>
      khs.flatMap((kh) =>
        kws.flatMap((kw) =>
          chans.flatMap((c) =>
            lanes.flatMap((lane, l) =>
              gs.map((g) => {
                const a = `a${kh}_${kw}_${c}_${l}_${g}`;
                return `${a} = fma(vec4<f32>(${w(kh, kw, c)}${lane}), d${g}, ${a});`;
              })
            )
          )
        )
      ).join("\n");
    const accNames = khs.flatMap((kh) =>
      kws.flatMap((kw) =>
        chans.flatMap((c) =>
          lanes.flatMap((_, l) =>
            gs.map((g) => ({
              name: `a${kh}_${kw}_${c}_${l}_${g}`,
              m: `((kh0 + ${kh}) * ${p.filterWidth} + ${kw}) * ${p.inChannels} + cg * ${p.channelBlock} + ${
                vec ? l : c
              }`,
              g,
            }))
          )
        )
      )
    );
    const loadDy = (ow: string) =>
      gs.map((g) => `let d${g} = dy[dyBase + ${ow} * ${n4} + ${g * ng}];`).join("\n");
    const w = (kh: number, kw: number, c: number) => `w${kh}_${kw}_${c}`;
    const pre = khs.flatMap((kh) =>
      kws.slice(0, -1).flatMap((kw) =>
        chans.map((c) => `${w(kh, kw, c)} = ${load(kh, `${kw - p.padLeft}`, c)};`)
      )
    );
    const next = khs.flatMap((kh) =>
      chans.map((c) =>
        `${w(kh, p.filterWidth - 1, c)} = ${load(kh, `ow + ${p.filterWidth - 1 - p.padLeft}`, c)};`
      )
    );
    const shift = khs.flatMap((kh) =>
      kws.slice(0, -1).flatMap((kw) => chans.map((c) => `${w(kh, kw, c)} = ${w(kh, kw + 1, c)};`))
    );
    const decl = khs.flatMap((kh) =>
      kws.flatMap((kw) => chans.map((c) => `var ${w(kh, kw, c)} = ${zero};`))
    );
    const rowBody = `${decl.join("\n")}
    ${pre.join("\n")}
    for (var ow = 0; ow < ${p.outWidth}; ow++) {
    ${next.join("\n")}
    ${loadDy("ow")}
    ${fmas(w)}
    ${shift.join("\n")}
    }`;
    return `
fn main(index: i32) {
  if (index >= uniforms.threads) { return; }
  let ng = index % ${ng};
  let t = index / ${ng};
  let mb = t % ${mBlocks};
  let s = t / ${mBlocks};
  let cg = mb % ${p.inChannels / p.channelBlock};
  let kh0 = (mb / ${p.inChannels / p.channelBlock}) * ${p.rowBlock};
  ${accNames.map((a) => `var ${a.name} = vec4<f32>(0.0);`).join("\n")}
  for (var rr = 0; rr < uniforms.rowsPerSplit; rr++) {
    let row = s * uniforms.rowsPerSplit + rr;
    if (row >= uniforms.rows) { break; }
    let b = row / ${p.outHeight};
    let oh = row - b * ${p.outHeight};
    let dyBase = row * ${p.outWidth * n4} + ng;
    ${
      khs.map((kh) => `
    let ih${kh} = oh + kh0 + ${kh - p.padTop};
    let ok${kh} = ih${kh} >= 0 && ih${kh} < ${p.inHeight};
    let xb${kh} = (b * ${p.inHeight} + ih${kh}) * ${p.inWidth * xStride} + cg${
        vec ? "" : ` * ${p.channelBlock}`
      };`)
        .join("")
    }
    ${rowBody}
  }
  ${
      accNames.map((a) => `result[(s * ${m} + ${a.m}) * ${n4} + ng + ${a.g * ng}] = ${a.name};`)
        .join("\n")
    }
}`;
  }
}

function range(n: number): number[] {
  return [...Array(n).keys()];
}

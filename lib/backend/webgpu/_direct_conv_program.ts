/**
 * A direct (no im2col, no workgroup memory) stride-1 NHWC convolution
 * out[b,oy,ox,n] = Σ_(ky,kx,c) x[b, oy+ky−py, ox+kx−px, c] · w[ky,kx,c,n], used for the
 * forward `Conv2D` and, with a flipped filter, for `Conv2DBackpropInput`. Each thread
 * keeps a strip of output columns × output-channel vec4s in registers, so every input
 * value and weight it loads feeds several multiply-adds. tfjs' tiled programs synchronise
 * on workgroup barriers, which llvmpipe runs slowly (forward layer 1 at batch 64: 3.6 s).
 *
 * @module
 */
import type { ProgramUniform, WebGpuProgram } from "./_backend_internals.ts";
import type { KernelTuning } from "./_tuning.ts";
import type { ConvShape } from "./_conv_shape.ts";

/** Geometry of a stride-1 NHWC convolution with an `[kh, kw, in, out]` filter. */
export type DirectConvShape = ConvShape;

/** A {@linkcode DirectConvShape} plus each thread's register block. */
export interface DirectConvPlan extends DirectConvShape {
  /** Output columns per thread. */
  colBlock: number;
  /** vec4 groups of output channels per thread (divides outChannels / 4). */
  coGroups: number;
  workgroupSize: number;
  /**
   * `W` is a layer filter `[kh, kw, out, in]` read flipped and transposed (the input
   * gradient), four scalar loads per vec4, instead of a prepared `[kh, kw, in, out]`.
   */
  flipped?: boolean;
}

/**
 * The register block for a shape, or `undefined` when output channels are not a multiple
 * of 4. `gpu` tuning: 4 columns × 2 vec4 groups. `cpu` tuning (llvmpipe, where loads are
 * dear): whole rows and as many channel groups as fit ~300 unrolled multiply-adds, which
 * keeps compiles near 2 s (a 576-statement body took 8 s for the same speed).
 */
export function planDirectConv(
  shape: DirectConvShape,
  tuning: KernelTuning,
): DirectConvPlan | undefined {
  if (shape.outChannels % 4 !== 0) return undefined;
  const n4 = shape.outChannels / 4;
  const cpu = tuning === "cpu";
  const colBlock = Math.min(shape.outWidth, cpu ? 32 : 4);
  const lanes = shape.inChannels % 4 === 0 ? 4 : 1;
  const fits = (g: number) =>
    cpu ? g * colBlock * shape.filterWidth * lanes <= 300 && g * colBlock <= 64 : g * colBlock <= 8;
  let coGroups = 1;
  for (let g = n4; g > 1; g--) {
    if (n4 % g === 0 && fits(g)) {
      coGroups = g;
      break;
    }
  }
  return { ...shape, colBlock, coGroups, workgroupSize: cpu ? 8 : 64 };
}

function range(n: number): number[] {
  return [...Array(n).keys()];
}

/** The direct convolution; inputs `x` and `W`, output `[batch, outH, outW, outC]`. */
export class DirectConvProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames = ["x", "W"];
  variableComponents: number[];
  outputComponent = 4;
  workgroupSize: [number, number, number];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  uniforms = "threads : i32,";
  /** The values of `uniforms`, for `runWebGPUProgram`. */
  readonly uniformData: ProgramUniform[];

  constructor(readonly plan: DirectConvPlan) {
    const p = plan;
    this.outputShape = [p.batch, p.outHeight, p.outWidth, p.outChannels];
    this.variableComponents = [p.inChannels % 4 === 0 ? 4 : 1, p.flipped ? 1 : 4];
    const threads = p.batch * p.outHeight * Math.ceil(p.outWidth / p.colBlock) *
      (p.outChannels / 4 / p.coGroups);
    this.workgroupSize = [p.workgroupSize, 1, 1];
    this.dispatch = [Math.ceil(threads / p.workgroupSize), 1, 1];
    this.uniformData = [{ type: "int32", data: [threads] }];
    const { batch: _, ...geometry } = p; // the batch is a uniform: no recompiles per batch size
    this.shaderKey = `fastDirectConv_${Object.values(geometry).join("_")}`;
  }

  getUserCode(): string {
    const p = this.plan;
    const vec = p.inChannels % 4 === 0;
    const chunks = vec ? p.inChannels / 4 : p.inChannels; // x elements per pixel
    const n4 = p.outChannels / 4;
    const ng = n4 / p.coGroups;
    const xBlocks = Math.ceil(p.outWidth / p.colBlock);
    const rowCheck = p.padTop > 0 || p.outHeight + p.filterHeight - 1 - p.padTop > p.inHeight;
    const colCheck = p.padLeft > 0 ||
      xBlocks * p.colBlock + p.filterWidth - 1 - p.padLeft > p.inWidth;
    const cols = range(p.colBlock + p.filterWidth - 1);
    const outs = range(p.colBlock);
    const gs = range(p.coGroups);
    const lanes = vec ? [".x", ".y", ".z", ".w"] : [""];
    const zero = vec ? "vec4<f32>(0.0)" : "0.0";
    const loads = cols.map((j) => {
      const ix = `(ox0 + ${j - p.padLeft})`;
      const ok = [rowCheck ? "rowOk" : "", colCheck ? `${ix} >= 0 && ${ix} < ${p.inWidth}` : ""]
        .filter(Boolean).join(" && ");
      const idx = `xRow + ${ix} * ${chunks} + c`;
      return ok
        ? `let v${j} = select(${zero}, x[select(0, ${idx}, ${ok})], ${ok});`
        : `let v${j} = x[${idx}];`;
    });
    const body: string[] = [];
    for (let kx = 0; kx < p.filterWidth; kx++) {
      for (const [l, lane] of lanes.entries()) {
        for (const g of gs) {
          const wIdx = `((ky * ${p.filterWidth} + ${kx}) * ${p.inChannels} + c${
            vec ? " * 4" : ""
          } + ${l}) * ${n4} + ng + ${g * ng}`;
          // Flipped: element [ky, kx, c, n] is w[kh−1−ky, kw−1−kx, n, c] of the layer filter,
          // whose 4 consecutive n lie inChannels apart.
          const fIdx = `(((${p.filterHeight - 1} - ky) * ${p.filterWidth} + ${
            p.filterWidth - 1 - kx
          }) * ${p.outChannels} + (ng + ${g * ng}) * 4) * ${p.inChannels} + c${
            vec ? " * 4" : ""
          } + ${l}`;
          const load = p.flipped
            ? `let f = ${fIdx}; let w = vec4<f32>(W[f], W[f + ${p.inChannels}], W[f + ${
              2 * p.inChannels
            }], W[f + ${3 * p.inChannels}]);`
            : `let w = W[${wIdx}];`;
          const fmas = outs.map((o) =>
            `a${o}_${g} = fma(vec4<f32>(v${o + kx}${lane}), w, a${o}_${g});`
          );
          body.push(`{ ${load}\n${fmas.join("\n")} }`);
        }
      }
    }
    const writes = outs.flatMap((o) =>
      gs.map((g) =>
        `if (ox0 + ${o} < ${p.outWidth}) { result[(row * ${p.outWidth} + ox0 + ${o}) * ${n4} + ng + ${
          g * ng
        }] = a${o}_${g}; }`
      )
    );
    return `
fn main(index: i32) {
  if (index >= uniforms.threads) { return; }
  let ng = index % ${ng};
  let t = index / ${ng};
  let ox0 = (t % ${xBlocks}) * ${p.colBlock};
  let row = t / ${xBlocks};
  let b = row / ${p.outHeight};
  let oy = row - b * ${p.outHeight};
  ${outs.flatMap((o) => gs.map((g) => `var a${o}_${g} = vec4<f32>(0.0);`)).join("\n  ")}
  for (var ky = 0; ky < ${p.filterHeight}; ky++) {
    let iy = oy + ky - ${p.padTop};
    let rowOk = iy >= 0 && iy < ${p.inHeight};
    let xRow = (b * ${p.inHeight} + iy) * ${p.inWidth * chunks};
    for (var c = 0; c < ${chunks}; c++) {
      ${loads.join("\n      ")}
      ${body.join("\n      ")}
    }
  }
  ${writes.join("\n  ")}
}`;
  }
}

/** Flips a filter for the input gradient: out[ky,kx,o,i] = w[kh−1−ky, kw−1−kx, i, o]. */
export class FlipFilterProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames = ["w"];
  workgroupSize: [number, number, number] = [64, 1, 1];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  size = true;

  constructor(private readonly filterShape: [number, number, number, number]) {
    const [kh, kw, ci, co] = filterShape;
    this.outputShape = [kh, kw, co, ci];
    this.dispatch = [Math.ceil((kh * kw * ci * co) / 64), 1, 1];
    this.shaderKey = `fastFlipFilter_${filterShape.join("_")}`;
  }

  getUserCode(): string {
    const [kh, kw, ci, co] = this.filterShape;
    return `
fn main(index: i32) {
  if (index >= uniforms.size) { return; }
  let i = index % ${ci};
  var t = index / ${ci};
  let o = t % ${co};
  t = t / ${co};
  let kx = t % ${kw};
  let ky = t / ${kw};
  result[index] = w[(((${kh - 1} - ky) * ${kw} + ${kw - 1} - kx) * ${ci} + i) * ${co} + o];
}`;
  }
}

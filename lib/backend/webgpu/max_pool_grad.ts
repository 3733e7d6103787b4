/**
 * A loop-free WebGPU `MaxPoolGrad` for non-overlapping windows (pool size = stride, valid
 * padding), the only kind the seed models use. tfjs runs two programs (argmax positions,
 * then a gather with loops over the window); here one thread per window reads it once,
 * finds its first maximum (the `cpu` backend's tie rule; tfjs' webgpu kernel takes the
 * last) and writes the window's dy there and zeros elsewhere.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  asWebGpuBackend,
  type ProgramUniform,
  type TensorInfo,
  type WebGpuProgram,
} from "./_backend_internals.ts";

/** Geometry of a non-overlapping max pool, NHWC. */
export interface PoolGradShape {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  poolHeight: number;
  poolWidth: number;
}

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

class MaxPoolGradProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  variableNames = ["dy", "x"];
  outputComponent: number;
  workgroupSize: [number, number, number] = [64, 1, 1];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  uniforms = "threads : i32,";
  readonly uniformData: ProgramUniform[];

  constructor(private readonly s: PoolGradShape) {
    this.outputShape = [s.batch, s.inHeight, s.inWidth, s.channels];
    this.outputComponent = s.channels % 4 === 0 ? 4 : 1;
    // One thread per window (the last row/column of windows may be cut off by the edge).
    const threads = s.batch * Math.ceil(s.inHeight / s.poolHeight) *
      Math.ceil(s.inWidth / s.poolWidth) * (s.channels / this.outputComponent);
    this.dispatch = [Math.ceil(threads / 64), 1, 1];
    this.uniformData = [{ type: "int32", data: [threads] }];
    const { batch: _, ...geometry } = s; // the batch is a uniform: no recompiles per batch size
    this.shaderKey = `fastMaxPoolGrad_${Object.values(geometry).join("_")}`;
  }

  getUserCode(): string {
    const s = this.s;
    const c = s.channels / this.outputComponent;
    const t = this.outputComponent === 4 ? "vec4<f32>" : "f32";
    const it = this.outputComponent === 4 ? "vec4<i32>" : "i32";
    const windowsHigh = Math.ceil(s.inHeight / s.poolHeight);
    const windowsWide = Math.ceil(s.inWidth / s.poolWidth);
    const cells: { k: number; kh: number; kw: number; at: string }[] = [];
    for (let kh = 0; kh < s.poolHeight; kh++) {
      for (let kw = 0; kw < s.poolWidth; kw++) {
        cells.push({ k: cells.length, kh, kw, at: `base + ${(kh * s.inWidth + kw) * c}` });
      }
    }
    const argmax = cells.map(({ k, at }) =>
      k === 0 ? `var best = x[${at}];\n    var pos = ${it}(0);` : `{
      let v = x[${at}];
      let better = v > best; // strict: the first maximum wins, as on the cpu backend
      best = select(best, v, better);
      pos = select(pos, ${it}(${k}), better);
    }`
    );
    return `
fn main(index: i32) {
  if (index >= uniforms.threads) { return; }
  let ch = index % ${c};
  var t = index / ${c};
  let ww = t % ${windowsWide};
  t = t / ${windowsWide};
  let wh = t % ${windowsHigh};
  let b = t / ${windowsHigh};
  let base = ((b * ${s.inHeight} + wh * ${s.poolHeight}) * ${s.inWidth} + ww * ${s.poolWidth}) * ${c} + ch;
  if (wh < ${s.outHeight} && ww < ${s.outWidth}) {
    ${argmax.join("\n    ")}
    let g = dy[((b * ${s.outHeight} + wh) * ${s.outWidth} + ww) * ${c} + ch];
    ${
      cells.map(({ k, at }) => `result[${at}] = select(${t}(0.0), g, pos == ${it}(${k}));`).join(
        "\n    ",
      )
    }
  } else {
    ${
      cells.map(({ kh, kw, at }) =>
        `if (wh * ${s.poolHeight} + ${kh} < ${s.inHeight} && ww * ${s.poolWidth} + ${kw} < ${s.inWidth}) { result[${at}] = ${t}(0.0); }`
      ).join("\n    ")
    }
  }
}`;
  }
}

/**
 * The geometry of a `MaxPoolGrad` call when the fast path handles it (float32, pool size
 * equal to stride, no padding), otherwise `undefined`.
 */
export function planMaxPoolGrad(x: TensorInfo, attrs: MaxPoolGradAttrs): PoolGradShape | undefined {
  if (x.dtype !== "float32" || x.shape.length !== 4) return undefined;
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  if (top + bottom + left + right !== 0) return undefined;
  if (info.filterHeight !== info.strideHeight || info.filterWidth !== info.strideWidth) {
    return undefined;
  }
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    channels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    poolHeight: info.filterHeight,
    poolWidth: info.filterWidth,
  };
}

/**
 * Builds the kernel function that replaces tfjs' `MaxPoolGrad` on webgpu.
 *
 * @param fallback tfjs' original kernel function, used for overlapping or padded pools.
 * @returns A kernel function for `tf.registerKernel`.
 */
export function makeMaxPoolGradKernel(fallback: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dy, input } = args.inputs as unknown as { dy: TensorInfo; input: TensorInfo };
    const shape = planMaxPoolGrad(input, args.attrs as unknown as MaxPoolGradAttrs);
    if (!shape) return fallback(args);
    const gpu = asWebGpuBackend(args.backend);
    const program = new MaxPoolGradProgram(shape);
    const uniforms = program.uniformData;
    return gpu.runWebGPUProgram(program, [dy, input], "float32", uniforms) as tf.TensorInfo;
  };
}

/**
 * Times the stock and fast webgpu `Conv2DBackpropFilter` on the conv layers of the seed
 * models, for `deno task bench` and the kernel-pack report.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { activeWebGpuKernels, setWebGpuKernels, type WebGpuKernels } from "./register_kernels.ts";
import { ARCHITECTURE_NAMES } from "../../models/architectures.ts";
import { planTraining } from "../../engine/plan.ts";
import { defaultTrainConfig } from "../../defaults.ts";

/** One conv layer's geometry (NHWC, stride 1). */
export interface ConvLayerShape {
  /** Input `[height, width, channels]`. */
  inShape: [number, number, number];
  /** Filter `[kh, kw, inChannels, outChannels]`. */
  filterShape: [number, number, number, number];
  pad: "valid" | "same";
}

/** The conv layers of an architecture, with the shapes its plan resolves, by `arch/convN`. */
function convLayersOf(arch: string): [string, ConvLayerShape][] {
  const convs = planTraining(arch, 1).layers.flatMap((layer) =>
    layer.kind === "conv2d" ? [layer] : []
  );
  return convs.map((layer, i) => {
    const { input, output, kernelSize: k, padding } = layer;
    const shape: ConvLayerShape = {
      inShape: [input.h, input.w, input.c],
      filterShape: [k, k, input.c, output.c],
      pad: padding,
    };
    return [`${arch}/conv${i + 1}`, shape];
  });
}

/**
 * The conv layers of the seed architectures, by `arch/convN` name, derived from the registry
 * (e.g. `cnn-deep/conv2`: 13×13×32 in, 3×3×32×64 filter, valid).
 */
export const SEED_CONV_LAYERS: Readonly<Record<string, ConvLayerShape>> = Object.freeze(
  Object.fromEntries(ARCHITECTURE_NAMES.flatMap(convLayersOf)),
);

/** Options for {@linkcode benchConv2DBackpropFilter}. */
export interface FilterGradBenchOptions {
  /** A key of {@linkcode SEED_CONV_LAYERS}. @default "cnn-deep/conv1" */
  layer?: string;
  /** Batch size. @default 64 */
  batch?: number;
  /** Kernel set to time. @default defaultTrainConfig().kernels */
  kernels?: WebGpuKernels;
  /**
   * Timed calls, all submitted before the single readback that ends the timing. A readback
   * in Deno waits ~10 ms when work is pending, so fast kernels need many calls.
   * @default enough for ~1.5 s of work (3–100), from one untimed call
   */
  calls?: number;
}

/** One timing from {@linkcode benchConv2DBackpropFilter}. */
export interface FilterGradBenchResult {
  layer: string;
  batch: number;
  kernels: WebGpuKernels;
  calls: number;
  /** Wall time per call, including a share of the one readback (~12 ms on a GPU). */
  msPerCall: number;
}

/**
 * Times `Conv2DBackpropFilter` for one seed conv layer on the active backend (meant for
 * `webgpu`): one untimed call compiles the shaders, then `calls` calls run back to back
 * and one readback waits for them. The kernel set in use before the call is restored.
 *
 * @param options Which layer, batch size and kernel set.
 * @returns The time per call.
 * @throws {RangeError} for an unknown layer name or a batch size below 1.
 *
 * @example Stock vs fast on layer 1
 * ```ts ignore
 * await tf.setBackend("webgpu");
 * const stock = await benchConv2DBackpropFilter({ batch: 64, kernels: "stock" });
 * const fast = await benchConv2DBackpropFilter({ batch: 64, kernels: "fast" });
 * console.log(stock.msPerCall / fast.msPerCall);
 * ```
 */
export async function benchConv2DBackpropFilter(
  options: FilterGradBenchOptions = {},
): Promise<FilterGradBenchResult> {
  const layer = options.layer ?? "cnn-deep/conv1";
  const shape = SEED_CONV_LAYERS[layer];
  if (!shape) {
    const known = Object.keys(SEED_CONV_LAYERS).join(", ");
    throw new RangeError(`Unknown conv layer "${layer}": expected one of ${known}`);
  }
  const batch = options.batch ?? 64;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`Batch size must be a positive integer, got ${batch}`);
  }
  const kernels = options.kernels ?? defaultTrainConfig().kernels;
  const before = activeWebGpuKernels();
  setWebGpuKernels(kernels);
  const xShape: [number, number, number, number] = [batch, ...shape.inShape];
  // Shapes only: running tfjs' forward conv here would compile its shader (~50 s on llvmpipe).
  const info = tf.backend_util.computeConv2DInfo(xShape, shape.filterShape, 1, 1, shape.pad);
  const x = tf.randomUniform(xShape);
  const dy = tf.randomUniform(info.outShape);
  const attrs = {
    strides: [1, 1],
    pad: shape.pad,
    dataFormat: "NHWC",
    filterShape: shape.filterShape,
  };
  const run = () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs) as tf.Tensor;
  try {
    const warm = run(); // compiles the shaders
    await warm.data();
    warm.dispose();
    const probeStart = performance.now();
    const probe = run();
    await probe.data();
    probe.dispose();
    const estimate = performance.now() - probeStart;
    const calls = Math.max(
      1,
      options.calls ?? Math.min(100, Math.max(3, Math.round(1500 / estimate))),
    );
    const start = performance.now();
    for (let i = 0; i < calls - 1; i++) run().dispose();
    const last = run();
    await last.data();
    const msPerCall = (performance.now() - start) / calls;
    last.dispose();
    return { layer, batch, kernels, calls, msPerCall };
  } finally {
    tf.dispose([x, dy]);
    setWebGpuKernels(before);
  }
}

/**
 * A faster, `cpu`-exact `MaxPoolGrad` for the wasm backend when the pooling windows do not
 * overlap (stride = window, no padding: every Keras `MaxPooling2D` with default strides).
 *
 * The stock kernel loops over every input pixel and window in C++ (40 ms for cnn-deep's first
 * pool at batch 64) and routes each window's gradient to its *last* maximum, searching from
 * the smallest positive float instead of −∞. The `cpu` backend routes it to the *first*
 * maximum; ties are common (ReLU outputs over a blank background), so the two train
 * differently. Here two 3-D transposes lay the window offsets out as `k·k` planes; walking
 * the planes in the cpu's order, each takes what is left of dy where it equals the window
 * maximum (`remaining · step(max − x)` stays for the later planes). Only same-shape or
 * row-broadcast elementwise kernels are used: the wasm backend runs those on XNNPACK, while
 * its `ArgMax`, inner broadcasts and 5-D+ transposes are 10–100× slower.
 * Other pooling geometries use the stock kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { disposeAll, reshapeInfo, runStock, stockKernel, transposeInfo } from "./_stock_kernels.ts";
import { sliceHeap } from "./slice.ts";

/** The temporaries of one call: `keep` records each, disposed together at the end. */
interface Scratch {
  backend: unknown;
  keep(t: tf.TensorInfo): tf.TensorInfo;
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap): tf.TensorInfo;
}

/** `x` viewed as the 3-D `shape` [a, b, c], transposed to [b, a, c]. */
function swapOuter(t: Scratch, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return t.keep(transposeInfo(t.backend, t.keep(reshapeInfo(t.backend, x, shape)), [1, 0, 2]));
}

/**
 * Walks the `planes` window offsets in the cpu's order: each takes what is left of `dy`
 * where `x` equals the window maximum. Returns the routed planes stacked, [k·k, plane].
 */
function routeToFirstMax(
  t: Scratch,
  planes: tf.TensorInfo,
  output: tf.TensorInfo,
  dy: tf.TensorInfo,
  count: number,
  plane: number,
): tf.TensorInfo {
  const max = t.keep(reshapeInfo(t.backend, output, [1, plane]));
  // 1 where x is below its window's maximum, 0 where it is a maximum.
  const below = t.run("Step", { x: t.run("Sub", { a: max, b: planes }) }, { alpha: 0 });
  let remaining = t.keep(reshapeInfo(t.backend, dy, [1, plane]));
  const routed: tf.TensorInfo[] = [];
  for (let p = 0; p < count; p++) {
    const belowP = t.keep(sliceHeap(t.backend, below, [p, 0], [1, plane]));
    const passed = t.run("Multiply", { a: remaining, b: belowP });
    routed.push(t.run("Sub", { a: remaining, b: passed }));
    remaining = passed;
  }
  // Concat takes its inputs as an array.
  return t.run("Concat", routed as unknown as tf.NamedTensorInfoMap, { axis: 0 });
}

/**
 * The `MaxPoolGrad` kernel.
 *
 * @param args tfjs kernel arguments: inputs `{dy, input, output}`, attrs {@linkcode tf.MaxPoolGradAttrs}.
 * @returns The gradient with respect to `input`.
 */
export function maxPoolGrad(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { backend } = args;
  const { dy, input, output } = args.inputs as Record<"dy" | "input" | "output", tf.TensorInfo>;
  const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow } = info;
  const { top, bottom, left, right } = info.padInfo;
  if (info.strideHeight !== kh || info.strideWidth !== kw || top + bottom + left + right > 0) {
    return stockKernel("MaxPoolGrad").kernelFunc(args) as tf.TensorInfo;
  }
  const [n, h, w, c] = input.shape as [number, number, number, number];
  const [usedH, usedW] = [oh * kh, ow * kw];
  const plane = n * oh * ow * c;
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => (temps.push(t), t);
  const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap) =>
    keep(runStock(name, backend, inputs, attrs));
  const t: Scratch = { backend, keep, run };
  try {
    // Rows and columns past the last window get no gradient: leave them out, pad them back.
    const cropped = usedH === h && usedW === w
      ? input
      : keep(sliceHeap(backend, input, [0, 0, 0, 0], [n, usedH, usedW, c]));
    // [n·oh, kh, ow, kw, c] → [kh, kw, n·oh, ow, c] in two 3-D steps with contiguous rows.
    const rows = n * oh;
    const a = swapOuter(t, cropped, [rows * kh * ow, kw, c]);
    const windows = swapOuter(t, a, [kw * rows, kh, ow * c]);
    const planes = keep(reshapeInfo(backend, windows, [kh * kw, plane]));
    const stacked = routeToFirstMax(t, planes, output, dy, kh * kw, plane);
    // Back: [kh, kw·n·oh, ow·c] → [kw·n·oh, kh, ow·c] → [kw, n·oh·kh·ow, c] → [n·oh·kh·ow, kw, c].
    const b = swapOuter(t, stacked, [kh, kw * rows, ow * c]);
    const image = swapOuter(t, b, [kw, rows * kh * ow, c]);
    if (usedH === h && usedW === w) return reshapeInfo(backend, image, [n, h, w, c]);
    return runStock("PadV2", backend, {
      x: keep(reshapeInfo(backend, image, [n, usedH, usedW, c])),
    }, { paddings: [[0, 0], [0, h - usedH], [0, w - usedW], [0, 0]], constantValue: 0 });
  } finally {
    disposeAll(backend, temps);
  }
}

/** Kernel config registering {@linkcode maxPoolGrad} for `wasm`. */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kernelFunc: maxPoolGrad,
};

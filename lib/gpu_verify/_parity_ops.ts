/**
 * The computations phase 6 compares across backends and kernel sets, on host data, and the
 * comparison itself (relative ∞-norm error, NaN fails).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../random.ts";

/** Values and shape of a tensor, off any backend. */
export interface Host {
  shape: number[];
  values: Float32Array;
}

/** Seeded values in [-1, 1). */
export function randomHost(shape: number[], seed: number): Host {
  const random = mulberry32(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return { shape, values };
}

/**
 * The rows a large batch is checked on: the first two, the middle one and the last, so the
 * checked rows fall in different workgroups, splits and (past 65,535 workgroups) dispatch
 * rows. tfjs' `cpu` backend needs ~30 s for cnn-deep conv2's three kernels at batch 64
 * (2-vCPU machine), so a reference over a whole batch of 1024 would not fit the run.
 */
export function sampleRows(batch: number): number[] {
  if (batch <= 4) return [...Array(batch).keys()];
  return [...new Set([0, 1, Math.floor(batch / 2), batch - 1])];
}

/** The given rows (first dimension) of a host tensor. */
export function rowsOf(h: Host, rows: readonly number[]): Host {
  const size = h.values.length / h.shape[0]!;
  const values = new Float32Array(rows.length * size);
  rows.forEach((r, i) => values.set(h.values.subarray(r * size, (r + 1) * size), i * size));
  return { shape: [rows.length, ...h.shape.slice(1)], values };
}

/** A copy of `h` with every row but `rows` zeroed (a filter gradient then sums only them). */
export function keepRows(h: Host, rows: readonly number[]): Host {
  const size = h.values.length / h.shape[0]!;
  const values = new Float32Array(h.values.length);
  for (const r of rows) values.set(h.values.subarray(r * size, (r + 1) * size), r * size);
  return { shape: h.shape, values };
}

/** ‖actual − expected‖∞ / ‖expected‖∞; `NaN` when shapes differ or a value is NaN. */
export function relativeError(actual: Host, expected: Host): number {
  if (actual.shape.join() !== expected.shape.join()) return NaN;
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < expected.values.length; i++) {
    const a = actual.values[i]!;
    const e = expected.values[i]!;
    if (Number.isNaN(a) || Number.isNaN(e)) return NaN;
    diff = Math.max(diff, Math.abs(a - e));
    ref = Math.max(ref, Math.abs(e));
  }
  return ref === 0 ? diff : diff / ref;
}

/** Runs `compute` on the active backend and downloads its outputs; frees every tensor. */
export async function download(compute: () => tf.Tensor[]): Promise<Host[]> {
  const outputs = tf.tidy(compute);
  const values = await Promise.all(outputs.map((t) => t.data()));
  const hosts = outputs.map((t, i) => ({ shape: t.shape, values: Float32Array.from(values[i]!) }));
  tf.dispose(outputs);
  return hosts;
}

const tensor = (h: Host) => tf.tensor(h.values, h.shape, "float32");

/** A conv layer's three kernels: forward, input gradient, filter gradient. */
export function convKernels(
  x: Host,
  w: Host,
  dy: Host,
  pad: "valid" | "same",
): () => tf.Tensor[] {
  return () => {
    const [xt, wt, dyt] = [tensor(x), tensor(w), tensor(dy)];
    const run = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) =>
      tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
    const common = { strides: [1, 1], pad, dataFormat: "NHWC", dimRoundingMode: undefined };
    return [
      run("Conv2D", { x: xt, filter: wt }, { ...common, dilations: [1, 1] }),
      run("Conv2DBackpropInput", { dy: dyt, filter: wt }, { ...common, inputShape: x.shape }),
      run("Conv2DBackpropFilter", { x: xt, dy: dyt }, { ...common, filterShape: w.shape }),
    ];
  };
}

/** The forward conv alone (for the > 65,535-workgroup case). */
export function convForward(x: Host, w: Host, pad: "valid" | "same"): () => tf.Tensor[] {
  return () => [tf.conv2d(tensor(x) as tf.Tensor4D, tensor(w) as tf.Tensor4D, 1, pad)];
}

/** `MaxPoolGrad` of a 2×2, stride-2 pool over `x`, with upstream gradient `dy`. */
export function maxPoolGrad(x: Host, dy: Host): () => tf.Tensor[] {
  return () => {
    const xt = tensor(x) as tf.Tensor4D;
    const y = tf.maxPool(xt, 2, 2, "valid");
    const attrs = { filterSize: [2, 2], strides: [2, 2], pad: "valid" };
    const inputs = { dy: tensor(dy), input: xt, output: y };
    return [tf.engine().runKernel("MaxPoolGrad", inputs, attrs as tf.NamedAttrMap) as tf.Tensor];
  };
}

/**
 * `steps` optimizer steps over variables of `shapes` from seeded values and gradients;
 * returns the final variables (the optimizer is made by `make`).
 */
export function optimizerSteps(
  make: () => tf.Optimizer,
  shapes: number[][],
  steps: number,
): () => Promise<Host[]> {
  return async () => {
    const vars = shapes.map((s, i) => tf.variable(tensor(randomHost(s, 500 + i)), true));
    const optimizer = make();
    for (let step = 0; step < steps; step++) {
      tf.tidy(() =>
        optimizer.applyGradients(
          vars.map((v, i) => ({
            name: v.name,
            tensor: tensor(randomHost(v.shape, 900 + 31 * step + i)),
          })),
        )
      );
    }
    const values = await Promise.all(vars.map((v) => v.data()));
    const hosts = vars.map((v, i) => ({ shape: v.shape, values: Float32Array.from(values[i]!) }));
    optimizer.dispose();
    tf.dispose(vars);
    return hosts;
  };
}

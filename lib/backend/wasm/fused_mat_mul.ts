/**
 * A faster `_FusedMatMul` (a dense layer's forward pass: act(x·W + bias)) for the wasm
 * backend, for the two cases where the stock kernel is slow: a transposed operand (it falls to
 * a plain C++ loop) and a small batch against a large kernel, where XNNPACK's packing of the
 * fresh weights costs more than the product (see `batch_mat_mul.ts`). Then the product runs
 * through {@linkcode matMulOnXnnpack} and the bias and activation follow as separate
 * kernels; otherwise the stock fused kernel runs.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { disposeAll, runStock, stockKernel } from "./_stock_kernels.ts";
import { flipIsCheaper, isSingleProduct, matMulOnXnnpack } from "./batch_mat_mul.ts";

/** Activations applied after the product, by tfjs name → kernel (attrs). */
const ACTIVATIONS: Record<string, (alpha: number) => [string, tf.NamedAttrMap]> = {
  relu: () => ["Relu", {}],
  relu6: () => ["Relu6", {}],
  elu: () => ["Elu", {}],
  sigmoid: () => ["Sigmoid", {}],
  leakyrelu: (alpha) => ["LeakyRelu", { alpha }],
};

interface FusedAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/**
 * The `_FusedMatMul` kernel.
 *
 * @param args tfjs kernel arguments: inputs `{a, b, bias?, preluActivationWeights?}`,
 * attrs `{transposeA, transposeB, activation, leakyreluAlpha}`.
 * @returns act(a·b + bias).
 */
export function fusedMatMul(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { backend } = args;
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<
    "a" | "b" | "bias" | "preluActivationWeights",
    tf.TensorInfo | undefined
  >;
  const attrs = args.attrs as unknown as FusedAttrs;
  const activation = attrs.activation ?? "linear";
  const stock = () => stockKernel("_FusedMatMul").kernelFunc(args) as tf.TensorInfo;
  if (!a || !b || !isSingleProduct(a, b) || preluActivationWeights) return stock();
  if (activation !== "linear" && !(activation in ACTIVATIONS)) return stock();
  const [ra, rb] = [a.shape.length, b.shape.length];
  const m = a.shape[attrs.transposeA ? ra - 1 : ra - 2]!;
  const k = a.shape[attrs.transposeA ? ra - 2 : ra - 1]!;
  const n = b.shape[attrs.transposeB ? rb - 2 : rb - 1]!;
  if (!attrs.transposeA && !attrs.transposeB && !flipIsCheaper(m, k, n)) return stock();
  const temps: tf.TensorInfo[] = [];
  try {
    let out = matMulOnXnnpack(backend, a, b, attrs.transposeA, attrs.transposeB);
    if (bias) {
      temps.push(out);
      out = runStock("Add", backend, { a: out, b: bias });
    }
    if (activation !== "linear") {
      temps.push(out);
      const [kernel, kernelAttrs] = ACTIVATIONS[activation]!(attrs.leakyreluAlpha ?? 0.2);
      out = runStock(kernel, backend, { x: out }, kernelAttrs);
    }
    return out;
  } finally {
    disposeAll(backend, temps);
  }
}

/** Kernel config registering {@linkcode fusedMatMul} for `wasm`. */
export const fusedMatMulConfig: tf.KernelConfig = {
  kernelName: "_FusedMatMul",
  backendName: "wasm",
  kernelFunc: fusedMatMul,
};

/**
 * A faster `BatchMatMul` for the wasm backend. The stock kernel hands XNNPACK only
 * untransposed, unbatched products; `transposeA`/`transposeB` (every dense layer's backward
 * pass: dX = dY·Wᵀ, dW = Xᵀ·dY) fall to a plain C++ loop ~10× slower (5.8 ms for the mlp's
 * dW at batch 32). Transposing the operand first (one cheap copy) keeps every product on
 * XNNPACK.
 *
 * XNNPACK also *packs* its second operand before each product with new weights, at ~13 ns per
 * element (1.3 ms for the mlp's 784×128 kernel) against ~1.5 ns per element to transpose. When
 * the first operand is the smaller one (few rows: a small batch), C = A·B is computed as
 * (Bᵀ·Aᵀ)ᵀ so that Aᵀ is packed instead. Batched products (batch > 1) keep the stock kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { disposeAll, reshapeInfo, stockKernel, transposeInfo } from "./_stock_kernels.ts";

/** Measured cost per element of XNNPACK's weight packing and of a transpose (ns). */
const PACK_NS = 13;
const TRANSPOSE_NS = 1.5;

function batchOf(shape: number[]): number {
  return tf.util.sizeFromShape(shape.slice(0, -2));
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** Whether (Bᵀ·Aᵀ)ᵀ is cheaper than A·B for an [m, k]·[k, n] product with fresh operands. */
export function flipIsCheaper(m: number, k: number, n: number): boolean {
  const direct = PACK_NS * k * n;
  const flipped = PACK_NS * k * m + TRANSPOSE_NS * (m * k + k * n + m * n);
  return flipped < direct;
}

/** Whether {@linkcode matMulOnXnnpack} handles these operands (float32, batch 1). */
export function isSingleProduct(a: tf.TensorInfo, b: tf.TensorInfo): boolean {
  return a.dtype === "float32" && b.dtype === "float32" && batchOf(a.shape) === 1 &&
    batchOf(b.shape) === 1;
}

/**
 * A·B (either operand transposed) on XNNPACK's matmul, in the cheaper orientation. Both
 * operands must satisfy {@linkcode isSingleProduct}.
 *
 * @returns The product, shaped like the stock kernel's output.
 */
export function matMulOnXnnpack(
  backend: unknown,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const stock = stockKernel("BatchMatMul").kernelFunc;
  const [ra, rb] = [a.shape.length, b.shape.length];
  const m = a.shape[transposeA ? ra - 1 : ra - 2]!;
  const k = a.shape[transposeA ? ra - 2 : ra - 1]!;
  const n = b.shape[transposeB ? rb - 2 : rb - 1]!;
  const outer = (ra >= rb ? a : b).shape.slice(0, -2);
  const temps: tf.TensorInfo[] = [];
  const keep = (t: tf.TensorInfo): tf.TensorInfo => (temps.push(t), t);
  const product = (x: tf.TensorInfo, y: tf.TensorInfo) =>
    stock({
      inputs: { a: x, b: y },
      backend: backend as object,
      attrs: { transposeA: false, transposeB: false },
    });
  try {
    if (flipIsCheaper(m, k, n)) {
      // Cᵀ = Bᵀ·Aᵀ: a transposed operand is already in the layout this needs.
      const bT = transposeB ? b : keep(transposeInfo(backend, b, swapLastTwo(rb)));
      const aT = transposeA ? a : keep(transposeInfo(backend, a, swapLastTwo(ra)));
      const cT = keep(product(bT, aT) as tf.TensorInfo);
      const c = keep(transposeInfo(backend, cT, swapLastTwo(cT.shape.length)));
      return reshapeInfo(backend, c, [...outer, m, n]);
    }
    const a2 = transposeA ? keep(transposeInfo(backend, a, swapLastTwo(ra))) : a;
    const b2 = transposeB ? keep(transposeInfo(backend, b, swapLastTwo(rb))) : b;
    return product(a2, b2) as tf.TensorInfo;
  } finally {
    disposeAll(backend, temps);
  }
}

/**
 * The `BatchMatMul` kernel.
 *
 * @param args tfjs kernel arguments: inputs `{a, b}`, attrs `{transposeA, transposeB}`.
 * @returns The product.
 */
export function batchMatMul(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  if (!isSingleProduct(a, b)) return stockKernel("BatchMatMul").kernelFunc(args) as tf.TensorInfo;
  return matMulOnXnnpack(args.backend, a, b, transposeA, transposeB);
}

/** Kernel config registering {@linkcode batchMatMul} for `wasm`. */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: "BatchMatMul",
  backendName: "wasm",
  kernelFunc: batchMatMul,
};

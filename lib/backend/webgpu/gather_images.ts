/**
 * Training images kept on the GPU as bytes, four pixels per 32-bit word, and normalised to
 * 0–1 inside the gather that builds each batch. Full MNIST as float32 is 60,000 × 784 × 4 =
 * 188 MB, more than a 128 MiB `maxStorageBufferBindingSize` (llvmpipe's, and some GPUs'):
 * such a binding fails validation and tfjs' gather then reads zeros, so training ran on
 * garbage. As bytes it is 47 MB, and the gather reads 4× less memory per batch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { GpuError } from "../../errors.ts";
import { IMAGE_PIXELS, IMAGE_SIZE } from "../../data/types.ts";
import { asWebGpuBackend, type ProgramUniform, type WebGpuProgram } from "./_backend_internals.ts";

const WORDS_PER_IMAGE = IMAGE_PIXELS / 4; // 784 pixels = 196 words

/**
 * Packs image bytes four to a little-endian 32-bit word, as an int32 tensor `[n, 196]`.
 *
 * @param bytes Pixel bytes, 784 per image.
 * @returns The packed images on the active backend.
 * @throws {RangeError} when `bytes` is not a whole number of 28×28 images.
 * @throws {GpuError} on webgpu, when even the packed bytes exceed the device's
 *   `maxStorageBufferBindingSize`.
 */
export function packImageBytes(bytes: Uint8Array): tf.Tensor2D {
  if (bytes.length % IMAGE_PIXELS !== 0) {
    throw new RangeError(`Expected a multiple of ${IMAGE_PIXELS} bytes, got ${bytes.length}`);
  }
  if (tf.getBackend() === "webgpu") {
    const limit = asWebGpuBackend(tf.backend()).device.limits.maxStorageBufferBindingSize;
    if (bytes.length > limit) {
      throw new GpuError(
        `The training images (${bytes.length} bytes) exceed this GPU's ` +
          `maxStorageBufferBindingSize (${limit} bytes); train on fewer (--limit)`,
      );
    }
  }
  // A copy, so the bytes need not be 4-aligned in their buffer.
  const words = new Int32Array(bytes.slice().buffer);
  return tf.tensor2d(words, [bytes.length / IMAGE_PIXELS, WORDS_PER_IMAGE], "int32");
}

/** out[r] = unpack(images[index[r]]) / 255, one thread per word (four pixels). */
class GatherImagesProgram implements WebGpuProgram {
  outputShape: number[];
  shaderKey = "mnistGatherPackedImages";
  variableNames = ["images", "index"];
  variableComponents = [1, 1];
  outputComponent = 4;
  workgroupSize: [number, number, number] = [64, 1, 1];
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  uniforms = "threads : i32, rows : i32,";
  readonly uniformData: ProgramUniform[];

  constructor(batch: number, rows: number) {
    this.outputShape = [batch, IMAGE_SIZE, IMAGE_SIZE, 1];
    const threads = batch * WORDS_PER_IMAGE;
    this.dispatch = [Math.ceil(threads / 64), 1, 1];
    this.uniformData = [{ type: "int32", data: [threads] }, { type: "int32", data: [rows] }];
  }

  getUserCode(): string {
    return `
fn main(t: i32) {
  if (t >= uniforms.threads) { return; }
  let r = t / ${WORDS_PER_IMAGE};
  let w = t - r * ${WORDS_PER_IMAGE};
  let row = clamp(index[r], 0, uniforms.rows - 1);
  let v = bitcast<u32>(images[row * ${WORDS_PER_IMAGE} + w]);
  let bytes = vec4<u32>(v & 255u, (v >> 8u) & 255u, (v >> 16u) & 255u, v >> 24u);
  result[t] = vec4<f32>(bytes) / 255.0;
}`;
  }
}

/**
 * Gathers rows of packed images (from {@linkcode packImageBytes}) as float32
 * `[b, 28, 28, 1]` in 0–1, on the webgpu backend. Out-of-range indices are clamped.
 *
 * @param packed Packed images `[n, 196]`, int32.
 * @param index Row numbers `[b]`, int32.
 * @returns The batch, normalised as `imagesToTensor` does.
 * @throws {TypeError} when the active backend is not `webgpu` or `index` is not int32.
 *
 * @example
 * ```ts ignore
 * const packed = packImageBytes(mnist.train.images);
 * const batch = gatherPackedImages(packed, tf.tensor1d([0, 31337], "int32"));
 * ```
 */
export function gatherPackedImages(packed: tf.Tensor2D, index: tf.Tensor1D): tf.Tensor4D {
  if (tf.getBackend() !== "webgpu" || index.dtype !== "int32") {
    throw new TypeError(
      `gatherPackedImages needs int32 indices on webgpu, got ${index.dtype} on ${tf.getBackend()}`,
    );
  }
  const program = new GatherImagesProgram(index.shape[0], packed.shape[0]);
  const backend = asWebGpuBackend(tf.backend());
  const info = backend.runWebGPUProgram(
    program,
    [packed, index],
    "float32",
    program.uniformData,
  );
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
}

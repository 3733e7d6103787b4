/**
 * The executor's forward-only inference: the program of `inferenceKernels` on the
 * executor's own buffers (its parameters and state as they are), built on first use, and
 * run over the images in batches of the plan's size. Each batch is one upload of its bytes
 * and one submit; the probabilities of every batch are copied into one staging buffer and
 * read back once, so the 10,000 test images cost one readback, not one per batch. A last,
 * partial batch runs a whole batch (the rows past the images are left-overs, never read):
 * one program serves every count, the draw-a-digit canvas's one image included.
 *
 * @module
 */
import type { TrainingPlan } from "../plan.ts";
import { inferenceKernels } from "./_kernels_forward.ts";
import { upload } from "./_gpu_io.ts";
import { checkLoopLimit } from "./_loop_limit.ts";
import type { Tuning } from "./_tiles.ts";
import { compilePrograms, type Dispatch, encodeProgram } from "./_executor_program.ts";

/** Inference on an executor's buffers (see the module doc). */
export class Inference {
  #program: Promise<Dispatch[]> | null = null;

  constructor(
    readonly device: GPUDevice,
    readonly plan: TrainingPlan,
    readonly tuning: Tuning,
    readonly buffer: (name: string) => GPUBuffer,
  ) {}

  /** The inference program, built on first use (a failed build is retried next time). */
  #compiled(): Promise<Dispatch[]> {
    if (!this.#program) {
      const kernels = inferenceKernels(this.plan, this.tuning);
      checkLoopLimit(kernels);
      this.#program = compilePrograms(this.device, [kernels], this.buffer).then(([p]) => p!);
      this.#program.catch(() => (this.#program = null));
    }
    return this.#program;
  }

  /**
   * Class probabilities of `count` images.
   *
   * @param images `count` images of `plan.input` bytes each, one after another.
   * @param count Number of images (0 gives an empty result).
   * @returns `count × plan.classes` probabilities, row-major.
   * @throws {RangeError} when `count` is not a whole number or `images` is not `count` images.
   */
  async run(images: Uint8Array, count: number): Promise<Float32Array<ArrayBuffer>> {
    const { batchSize, classes } = this.plan;
    const pixels = this.plan.input.h * this.plan.input.w * this.plan.input.c;
    if (!Number.isInteger(count) || count < 0 || images.length !== count * pixels) {
      throw new RangeError(
        `infer needs ${count} images of ${pixels} bytes (${count * pixels} bytes), ` +
          `got ${images.length} bytes`,
      );
    }
    if (count === 0) return new Float32Array(0);
    const program = await this.#compiled();
    const bytes = count * classes * 4;
    const staging = this.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      label: "infer staging",
    });
    const output = this.buffer(`act:${this.plan.layers.at(-1)!.index}`);
    try {
      for (let start = 0; start < count; start += batchSize) {
        const rows = Math.min(batchSize, count - start);
        const piece = images.subarray(start * pixels, (start + rows) * pixels);
        // Queue order puts each batch's upload after the previous batch's submit.
        upload(this.device.queue, this.buffer("inferImages"), 0, padded(piece));
        const encoder = this.device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        encodeProgram(pass, program);
        pass.end();
        encoder.copyBufferToBuffer(output, 0, staging, start * classes * 4, rows * classes * 4);
        this.device.queue.submit([encoder.finish()]);
      }
      await staging.mapAsync(GPUMapMode.READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    } finally {
      staging.destroy();
    }
  }

  /** Nothing of its own to free (its buffers are the executor's). */
  dispose(): void {
    this.#program = null;
  }
}

/** The bytes, zero-padded to whole u32 words (`writeBuffer` writes multiples of 4). */
function padded(bytes: Uint8Array): Uint8Array {
  if (bytes.length % 4 === 0) return bytes;
  const copy = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  copy.set(bytes);
  return copy;
}

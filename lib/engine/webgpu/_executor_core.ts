/**
 * The WebGPU executor's class: its buffers and compiled programs (made by
 * `createWebGpuExecutor` in `executor.ts`), the epoch's start, a step as one compute pass
 * and one submit, the sums' readback, the state's upload and download, and inference.
 *
 * @module
 */
import type { PackedTrainingState, TrainingPlan } from "../plan.ts";
import { slotCount } from "./_kernels_update.ts";
import { readBuffer, upload } from "./_gpu_io.ts";
import type { Tuning } from "./_tiles.ts";
import type { ExecutorInput } from "./_executor_buffers.ts";
import { type Dispatch, encodeProgram } from "./_executor_program.ts";
import { Inference } from "./_executor_infer.ts";

/** A compiled training step on one GPU device (made by `createWebGpuExecutor`). */
export class WebGpuExecutor {
  /** The full-batch plan (its buffer sizes are the allocation). */
  readonly plan: TrainingPlan;
  readonly device: GPUDevice;
  /** @internal The compiled step programs by size (set by the factory). */
  readonly programs = new Map<number, Dispatch[]>();
  readonly #buffers: Map<string, GPUBuffer>;
  readonly #slots: number;
  readonly #inference: Inference;
  #staging: GPUBuffer | null = null;

  /** @internal Use `createWebGpuExecutor`. */
  constructor(
    input: ExecutorInput,
    plan: TrainingPlan,
    tuning: Tuning,
    buffers: Map<string, GPUBuffer>,
  ) {
    this.device = input.device;
    this.plan = plan;
    this.#buffers = buffers;
    this.#slots = slotCount(input.optimizer);
    const q = this.device.queue;
    upload(q, this.buffer("dataset"), 0, input.train.images);
    upload(q, this.buffer("datasetLabels"), 0, Uint32Array.from(input.train.labels));
    upload(q, this.buffer("scalars"), 0, new Float32Array([0, 0, 1, 1]));
    this.#inference = new Inference(this.device, plan, tuning, (name) => this.buffer(name));
  }

  /** @internal The buffer of a name (`params`, `act:3`, …). */
  buffer(name: string): GPUBuffer {
    const buffer = this.#buffers.get(name);
    if (!buffer) throw new Error(`engine bug: no buffer ${name}`);
    return buffer;
  }

  /** The dispatches of a step of `size` samples: the batch size or the split's tail. */
  program(size: number): Dispatch[] {
    const program = this.programs.get(size);
    if (!program) throw new RangeError(`No compiled step of ${size} samples`);
    return program;
  }

  /** Dispatches per full-batch step (for the counters and the docs). */
  get dispatchesPerStep(): number {
    return this.program(this.plan.batchSize).length;
  }

  /** Starts an epoch: uploads its permutation and dropout seed, zeroes the sums and step. */
  beginEpoch(order: Int32Array, seed: number): void {
    const q = this.device.queue;
    upload(q, this.buffer("perm"), 0, order);
    upload(q, this.buffer("counters"), 0, new Uint32Array([0, seed >>> 0, 0, 0]));
    upload(q, this.buffer("scalars"), 0, new Float32Array([0, 0]));
  }

  /**
   * Encodes and submits one step of `size` samples (the plan's batch size or the tail).
   * With `readback` the step also copies the running sums for {@linkcode readSums}.
   */
  step(size: number, readback = false): void {
    const program = this.program(size);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    encodeProgram(pass, program);
    pass.end();
    if (readback) {
      encoder.copyBufferToBuffer(this.buffer("scalars"), 0, this.#stagingBuffer(), 0, 16);
    }
    this.device.queue.submit([encoder.finish()]);
  }

  #stagingBuffer(): GPUBuffer {
    return this.#staging ??= this.device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      label: "staging",
    });
  }

  /** The epoch's loss sum and correct count so far, as copied by the last `step(…, true)`. */
  async readSums(): Promise<[number, number]> {
    const staging = this.#stagingBuffer();
    await staging.mapAsync(GPUMapMode.READ, 0, 16);
    const sums = new Float32Array(staging.getMappedRange(0, 16).slice(0));
    staging.unmap();
    return [sums[0]!, sums[1]!];
  }

  /**
   * Class probabilities of `count` images under the current parameters and state (whatever
   * the last `step` or `writeState` left), from a forward-only inference program: dropout
   * passes everything, batch normalisation uses its moving statistics, the softmax gives
   * probabilities; no loss, gradient, optimizer or moving-average update runs, so training
   * can go on after it unchanged. The images go through in pieces of `plan.batchSize` (a
   * partial last piece costs a whole batch), one submit each and one readback in all; the
   * program's pipelines are built on the first call. For test accuracy, take each row's
   * argmax; for one drawn digit, pass its 784 bytes with `count` 1.
   *
   * @param images `count` images of 28 × 28 bytes each (row-major, 0 = black, 255 = white,
   *   as MNIST stores them), one after another.
   * @param count Number of images (0 gives an empty array).
   * @returns `count × plan.classes` probabilities, row-major (row `i` sums to 1).
   * @throws {RangeError} when `images` does not hold exactly `count` images.
   * @example
   * ```ts ignore
   * const probs = await executor.infer(test.images, test.count);
   * const predicted = (i: number) => {
   *   const row = probs.subarray(i * 10, i * 10 + 10);
   *   return row.indexOf(Math.max(...row));
   * };
   * ```
   */
  infer(images: Uint8Array, count: number): Promise<Float32Array<ArrayBuffer>> {
    return this.#inference.run(images, count);
  }

  /** Uploads parameters, optimizer slots and state (packed as the plan lays them out). */
  writeState(state: PackedTrainingState): void {
    const q = this.device.queue;
    upload(q, this.buffer("params"), 0, state.params);
    state.slots.forEach((slot, k) => upload(q, this.buffer(`slot${k}`), 0, slot));
    upload(q, this.buffer("scalars"), 8, new Float32Array(state.accBeta));
    if (state.state.length !== this.plan.stateCount) {
      throw new RangeError(
        `engine bug: ${state.state.length} state floats for a plan of ${this.plan.stateCount}`,
      );
    }
    if (state.state.length > 0) upload(q, this.buffer("state"), 0, state.state);
  }

  /** Reads a named buffer back (e.g. `params`, `grads`, `act:3`, `state`), for sync and tests. */
  read(name: string, bytes?: number): Promise<Float32Array<ArrayBuffer>> {
    return readBuffer(this.device, this.buffer(name), bytes);
  }

  /** Downloads parameters, optimizer slots and state. */
  async readState(): Promise<PackedTrainingState> {
    const bytes = this.plan.paramCount * 4;
    const slots = [];
    for (let k = 0; k < this.#slots; k++) slots.push(await this.read(`slot${k}`, bytes));
    const scalars = await this.read("scalars", 16);
    const floats = this.plan.stateCount;
    const state = floats > 0 ? await this.read("state", floats * 4) : new Float32Array(0);
    const params = await this.read("params", bytes);
    return { params, slots, accBeta: [scalars[2]!, scalars[3]!], state };
  }

  /** Frees every buffer (pipelines and bind groups go with the executor). */
  dispose(): void {
    for (const buffer of this.#buffers.values()) buffer.destroy();
    this.#buffers.clear();
    this.#staging?.destroy();
    this.#staging = null;
    this.#inference.dispose();
  }
}

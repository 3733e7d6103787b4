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
import { type ExecutorInput, stateFloats } from "./_executor_buffers.ts";
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
   * Class probabilities of `count` images under the current parameters and state, from a
   * forward-only inference program (dropout passes everything, batch normalisation uses its
   * moving statistics; nothing of the training state changes). See {@linkcode Inference.run}.
   *
   * @param images `count` images of `plan.input` bytes each (28 × 28, row-major, 0–255).
   * @param count Number of images.
   * @returns `count × plan.classes` probabilities, row-major.
   * @throws {RangeError} when `images` does not hold `count` images.
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
    const moving = (state as { state?: Float32Array }).state;
    if (moving && moving.length > 0) upload(q, this.buffer("state"), 0, moving);
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
    const floats = stateFloats(this.plan);
    const state = floats > 0 ? await this.read("state", floats * 4) : new Float32Array(0);
    const params = await this.read("params", bytes);
    return { params, slots, accBeta: [scalars[2]!, scalars[3]!], state } as PackedTrainingState;
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

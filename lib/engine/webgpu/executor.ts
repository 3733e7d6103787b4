/**
 * The WebGPU executor of a training plan: persistent buffers, pipelines and bind groups made
 * once per batch size (the tail batch gets its own, with its shapes baked in), and a step
 * that is one compute pass of 11–29 dispatches and one submit — no `writeBuffer`, bind group
 * or pipeline per step. The batch is picked on the device from the epoch's permutation and
 * an on-device step counter; loss and correct counts accumulate on the device and are read
 * back only when asked.
 *
 * @module
 */
import type { MnistSplit } from "../../data/types.ts";
import { type PackedTrainingState, planTraining, type TrainingPlan } from "../plan.ts";
import { checkBatchMemory, MemoryLimitError, planMemory } from "../plan_memory.ts";
import { formatBytes } from "../../fs/byte_size.ts";
import { type OptimizerSpec, slotCount } from "./_kernels_update.ts";
import { stepKernels } from "./step_kernels.ts";
import type { Kernel } from "./_wgsl.ts";
import { pipelineFor, readBuffer } from "./_gpu_io.ts";
import { checkLoopLimit } from "./_loop_limit.ts";
import { type Tuning, tuningOf } from "./_tiles.ts";

const STORAGE = GPUBufferUsage.STORAGE;
const COPY = GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Writes a typed array (of any backing buffer) into a GPU buffer. */
function upload(queue: GPUQueue, buffer: GPUBuffer, offset: number, view: ArrayBufferView): void {
  queue.writeBuffer(buffer, offset, view.buffer as ArrayBuffer, view.byteOffset, view.byteLength);
}

/**
 * Refuses, before any buffer is created, a buffer over the device's limit: the dataset
 * (no batch helps), or a step buffer (named, with the largest batch whose step buffers fit).
 */
function checkBufferSizes(sizes: [string, number][], limit: number, input: ExecutorInput): void {
  const over = sizes.find(([, bytes]) => bytes > limit);
  if (!over) return;
  const arch = typeof input.arch === "string" ? input.arch : input.arch.name;
  if (!over[0].includes(":") && over[0] !== "images" && over[0] !== "scratch") {
    throw new MemoryLimitError(
      `The compiled WebGPU engine's ${over[0]} buffer needs ${formatBytes(over[1])}, more ` +
        `than this GPU's largest storage buffer of ${formatBytes(limit)}`,
      over[1],
      limit,
    );
  }
  const batchSize = Math.min(input.batchSize, input.train.count);
  checkBatchMemory({
    engine: "the compiled WebGPU engine",
    arch,
    batchSize,
    // The step buffers' largest, and at the asked batch the one found over the limit.
    needAt: (b) =>
      b === batchSize ? over[1] : planMemory(planTraining(input.arch, b)).largest.bytes,
    limit,
    limitName: `this GPU's largest storage buffer (${over[0]})`,
  });
}

/** One recorded dispatch of a step: pipeline, bind group and workgroup counts. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  group: GPUBindGroup;
  groups: [number, number];
}

/** Everything an executor is created from. */
export interface ExecutorInput {
  device: GPUDevice;
  /** Architecture name or object (see `planTraining`). */
  arch: Parameters<typeof planTraining>[0];
  batchSize: number;
  optimizer: OptimizerSpec;
  /** The training split, uploaded once as bytes. */
  train: MnistSplit;
  /** Kernel shapes for a software adapter or a GPU. @default from the adapter */
  tuning?: Tuning;
}

/**
 * A compiled training step on one GPU device.
 *
 * @example
 * ```ts ignore
 * const executor = new WebGpuExecutor({ device, arch: "cnn-deep", batchSize: 64, optimizer, train });
 * executor.writeState(await loadTrainingState(model, tfOptimizer, optimizer, executor.plan));
 * executor.beginEpoch(order, seed);
 * executor.step(64, true);
 * const [lossSum, correct] = await executor.readSums();
 * ```
 */
export class WebGpuExecutor {
  /** The full-batch plan (its buffer sizes are the allocation). */
  readonly plan: TrainingPlan;
  readonly device: GPUDevice;
  readonly #buffers = new Map<string, GPUBuffer>();
  readonly #programs = new Map<number, Dispatch[]>();
  readonly #input: ExecutorInput;
  readonly #tuning: Tuning;
  #staging: GPUBuffer | null = null;

  /**
   * Allocates every buffer and compiles the full-batch and tail-batch programs.
   *
   * @throws {MemoryLimitError} when a buffer exceeds the device's binding or buffer limit
   *   (checked for all before any is created).
   * @throws {RangeError} when the plan is outside the engine's vocabulary.
   */
  constructor(input: ExecutorInput) {
    this.#input = input;
    this.device = input.device;
    this.#tuning = input.tuning ?? tuningOf(input.device);
    this.plan = planTraining(input.arch, Math.min(input.batchSize, input.train.count));
    const { limits } = this.device;
    const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    const n = input.train.count;
    const sizes: [string, number][] = [
      ["dataset", input.train.images.length],
      ["datasetLabels", n * 4],
      ["perm", n * 4],
      ["state", 16],
      ["scalars", 16],
      // Padded so a kernel's 16-byte uniform window over the last weights stays inside.
      // storedParams: bias-free convs' zero biases follow the parameters (see plan.ts).
      ["params", this.plan.storedParams * 4 + 16],
      ["grads", this.plan.storedParams * 4],
      ...Array.from(
        { length: slotCount(input.optimizer) },
        (_, k) => [`slot${k}`, this.plan.paramCount * 4] as [string, number],
      ),
      // Dropout masks are recomputed from their hash in the backward pass, not stored.
      ...this.plan.buffers.filter((b) => b.kind !== "dropoutMask")
        .map((b) => [b.name, b.elements * 4] as [string, number]),
      [
        "scratch",
        4 * Math.max(
          1,
          ...this.#sizes().flatMap((size) => this.#kernels(size).map((k) => k.scratch ?? 0)),
        ),
      ],
    ];
    checkBufferSizes(sizes, limit, input);
    for (const [name, bytes] of sizes) {
      const size = Math.max(16, Math.ceil(bytes / 4) * 4);
      // The parameters are also read through uniform windows (see `uniformWindow`).
      const usage = STORAGE | COPY | (name === "params" ? GPUBufferUsage.UNIFORM : 0);
      this.#buffers.set(name, this.device.createBuffer({ size, usage, label: name }));
    }
    upload(this.device.queue, this.#buffer("dataset"), 0, input.train.images);
    upload(
      this.device.queue,
      this.#buffer("datasetLabels"),
      0,
      Uint32Array.from(input.train.labels),
    );
    upload(this.device.queue, this.#buffer("scalars"), 0, new Float32Array([0, 0, 1, 1]));
    for (const size of this.#sizes()) this.program(size);
  }

  /** The step sizes of an epoch: the batch, and the tail when the split does not divide. */
  #sizes(): number[] {
    const tail = this.#input.train.count % this.plan.batchSize;
    return tail > 0 ? [this.plan.batchSize, tail] : [this.plan.batchSize];
  }

  /**
   * The kernels of a step of `size` samples, in dispatch order, checked against llvmpipe's
   * loop budget on every adapter (no kernel worth running on a GPU loops that long either).
   */
  #kernels(size: number): Kernel[] {
    const plan = size === this.plan.batchSize ? this.plan : planTraining(this.#input.arch, size);
    const kernels = stepKernels(plan, this.#input.optimizer, this.#tuning, this.plan.batchSize);
    checkLoopLimit(kernels);
    return kernels;
  }

  #buffer(name: string): GPUBuffer {
    const buffer = this.#buffers.get(name);
    if (!buffer) throw new Error(`engine bug: no buffer ${name}`);
    return buffer;
  }

  /** The dispatches of a step of `size` samples, compiled and bound on first use. */
  program(size: number): Dispatch[] {
    let program = this.#programs.get(size);
    if (program) return program;
    program = this.#kernels(size).map((kernel) => {
      const pipeline = pipelineFor(this.device, kernel);
      const group = this.device.createBindGroup({
        label: kernel.label,
        layout: pipeline.getBindGroupLayout(0),
        entries: kernel.bindings.map((b, binding) => ({
          binding,
          resource: { buffer: this.#buffer(b.buffer), ...b.uniform },
        })),
      });
      return { label: kernel.label, pipeline, group, groups: kernel.groups };
    });
    this.#programs.set(size, program);
    return program;
  }

  /** Dispatches per full-batch step (for the counters and the docs). */
  get dispatchesPerStep(): number {
    return this.program(this.plan.batchSize).length;
  }

  /** Starts an epoch: uploads its permutation and dropout seed, zeroes the sums and step. */
  beginEpoch(order: Int32Array, seed: number): void {
    const q = this.device.queue;
    upload(q, this.#buffer("perm"), 0, order);
    upload(q, this.#buffer("state"), 0, new Uint32Array([0, seed >>> 0, 0, 0]));
    upload(q, this.#buffer("scalars"), 0, new Float32Array([0, 0]));
  }

  /**
   * Encodes and submits one step of `size` samples (the plan's batch size or the tail).
   * With `readback` the step also copies the running sums for {@linkcode readSums}.
   */
  step(size: number, readback = false): void {
    const program = this.program(size);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    for (const d of program) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.group);
      pass.dispatchWorkgroups(d.groups[0], d.groups[1]);
    }
    pass.end();
    if (readback) {
      encoder.copyBufferToBuffer(this.#buffer("scalars"), 0, this.#stagingBuffer(16), 0, 16);
    }
    this.device.queue.submit([encoder.finish()]);
  }

  #stagingBuffer(bytes: number): GPUBuffer {
    if (!this.#staging || this.#staging.size < bytes) {
      this.#staging?.destroy();
      this.#staging = this.device.createBuffer({
        size: bytes,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        label: "staging",
      });
    }
    return this.#staging;
  }

  /** The epoch's loss sum and correct count so far, as copied by the last `step(…, true)`. */
  async readSums(): Promise<[number, number]> {
    const staging = this.#stagingBuffer(16);
    await staging.mapAsync(GPUMapMode.READ, 0, 16);
    const sums = new Float32Array(staging.getMappedRange(0, 16).slice(0));
    staging.unmap();
    return [sums[0]!, sums[1]!];
  }

  /** Uploads parameters and optimizer state (packed as the plan lays them out). */
  writeState(state: PackedTrainingState): void {
    const q = this.device.queue;
    upload(q, this.#buffer("params"), 0, state.params);
    state.slots.forEach((slot, k) => upload(q, this.#buffer(`slot${k}`), 0, slot));
    upload(q, this.#buffer("scalars"), 8, new Float32Array(state.accBeta));
  }

  /** Reads a named buffer back (e.g. `params`, `grads`, `act:3`), for sync and tests. */
  read(name: string, bytes?: number): Promise<Float32Array<ArrayBuffer>> {
    return readBuffer(this.device, this.#buffer(name), bytes);
  }

  /** Downloads parameters and optimizer state. */
  async readState(): Promise<PackedTrainingState> {
    const bytes = this.plan.paramCount * 4;
    const slots = [];
    for (let k = 0; k < slotCount(this.#input.optimizer); k++) {
      slots.push(await this.read(`slot${k}`, bytes));
    }
    const scalars = await this.read("scalars", 16);
    return { params: await this.read("params", bytes), slots, accBeta: [scalars[2]!, scalars[3]!] };
  }

  /** Frees every buffer (pipelines and bind groups go with the executor). */
  dispose(): void {
    for (const buffer of this.#buffers.values()) buffer.destroy();
    this.#buffers.clear();
    this.#staging?.destroy();
    this.#staging = null;
  }
}

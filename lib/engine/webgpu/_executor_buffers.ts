/**
 * The executor's GPU buffers: what it is created from, the list of buffers and their sizes
 * for a plan, the refusal (before any is created) of one over the device's limits, and their
 * creation. Buffer usages are read from `GPUBufferUsage` when buffers are made, never at
 * import.
 *
 * @module
 */
import type { MnistSplit } from "../../data/types.ts";
import { formatBytes } from "../../fs/byte_size.ts";
import { planTraining, type TrainingPlan } from "../plan.ts";
import { checkBatchMemory, MemoryLimitError, planMemory } from "../plan_memory.ts";
import type { OptimizerSpec } from "./_kernels_update.ts";
import type { Tuning } from "./_tiles.ts";

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

/** Buffers whose size follows the batch (besides the plan's `<kind>:<layer>` ones). */
const BATCH_BUFFERS = new Set(["images", "scratch", "inferImages"]);

/**
 * Every buffer of an executor and its bytes: the dataset, the epoch's permutation and
 * counters (step, dropout seed), the running sums and Adam's β powers (`scalars`), the
 * parameters, gradients, optimizer slots and state, the step buffers, the split reductions'
 * scratch, and the inference input (`inferImages`, a batch of bytes).
 */
export function bufferSizes(
  input: ExecutorInput,
  plan: TrainingPlan,
  slots: number,
  scratchFloats: number,
): [string, number][] {
  const n = input.train.count;
  const pixels = plan.input.h * plan.input.w * plan.input.c;
  return [
    ["dataset", input.train.images.length],
    ["datasetLabels", n * 4],
    ["perm", n * 4],
    ["counters", 16],
    ["scalars", 16],
    // Padded so a kernel's 16-byte uniform window over the last weights stays inside.
    // storedParams: bias-free convs' zero biases follow the parameters (see plan.ts).
    ["params", plan.storedParams * 4 + 16],
    ["grads", plan.storedParams * 4],
    ...Array.from(
      { length: slots },
      (_, k) => [`slot${k}`, plan.paramCount * 4] as [string, number],
    ),
    ["state", plan.stateCount * 4],
    // Dropout masks are recomputed from their hash in the backward pass, not stored.
    ...plan.buffers.filter((b) => b.kind !== "dropoutMask")
      .map((b) => [b.name, b.elements * 4] as [string, number]),
    ["scratch", 4 * Math.max(1, scratchFloats)],
    ["inferImages", plan.batchSize * pixels],
  ];
}

/**
 * Refuses, before any buffer is created, a buffer over the device's limit: the dataset
 * (no batch helps), or a step buffer (named, with the largest batch whose step buffers fit).
 */
export function checkBufferSizes(
  sizes: [string, number][],
  limit: number,
  input: ExecutorInput,
): void {
  const over = sizes.find(([, bytes]) => bytes > limit);
  if (!over) return;
  const arch = typeof input.arch === "string" ? input.arch : input.arch.name;
  if (!over[0].includes(":") && !BATCH_BUFFERS.has(over[0])) {
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

/** Creates the buffers (each at least 16 bytes, a multiple of 4), after checking them all. */
export function createBuffers(
  input: ExecutorInput,
  sizes: [string, number][],
): Map<string, GPUBuffer> {
  const { limits } = input.device;
  checkBufferSizes(
    sizes,
    Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize),
    input,
  );
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const buffers = new Map<string, GPUBuffer>();
  for (const [name, bytes] of sizes) {
    const size = Math.max(16, Math.ceil(bytes / 4) * 4);
    // The parameters are also read through uniform windows (see `uniformWindow`).
    const usage = storage | (name === "params" ? GPUBufferUsage.UNIFORM : 0);
    buffers.set(name, input.device.createBuffer({ size, usage, label: name }));
  }
  return buffers;
}

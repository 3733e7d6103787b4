/**
 * The memory a training step needs, computed from its plan before anything is allocated,
 * and the one-line refusal when a batch does not fit. Before this, `--batch-size 60000` on
 * cnn-basic asked the CPU engine for 21 GB of wasm memory (its maximum is 2 GiB), got a raw
 * `WebAssembly.Memory()` error, fell back to the tfjs path and crashed there at 2.4 GB
 * resident; `--batch-size 20000` trained on the tfjs path with no progress in 300 s at 4.5 GB.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { formatBytes } from "../fs/byte_size.ts";
import type { TrainingPlan } from "./plan.ts";

/** What a plan's step needs, in bytes. */
export interface PlanMemory {
  /** The step buffers of `plan.buffers` together (images, activations, gradients, …). */
  stepBytes: number;
  /** The largest step buffer. */
  largest: { name: string; bytes: number };
  /** Parameters, their gradient, and the optimizer's slot arrays. */
  paramBytes: number;
}

/**
 * Measured on the tfjs path (wasm backend, 2026-12-04): its heap after one step was 4.7–5.0×
 * the plan's step buffers (cnn-basic batch 500: 884 MB for 177 MB; batch 2000: 3.43 GB for
 * 709 MB; cnn-deep 1000: 1.55 GB for 327 MB; mlp 5000: 143 MB for 29 MB): tfjs keeps each
 * op's output and gradient, and its convolutions' patch matrices.
 */
export const TFJS_STEP_FACTOR = 5;

/**
 * The tfjs path's own bound: tfjs' wasm backend cannot grow its heap past 4 GiB, and the
 * same bound is kept on the `cpu` backend (whose step would take hours at that size).
 */
export const TFJS_MEMORY_LIMIT = 4 * 1024 ** 3;

/**
 * The memory a plan's training step needs.
 *
 * @param plan The plan (its buffers are listed for its batch size).
 * @param slots Optimizer arrays of `paramCount` floats (RMSprop and Adam: 2; SGD: 0).
 * @returns Step-buffer bytes, the largest buffer, and parameter-state bytes.
 * @example
 * ```ts
 * import { planTraining } from "./plan.ts";
 * import { planMemory } from "./plan_memory.ts";
 * const memory = planMemory(planTraining("mlp", 10));
 * if (memory.largest.name !== "images") throw new Error(memory.largest.name);
 * ```
 */
export function planMemory(plan: TrainingPlan, slots = 2): PlanMemory {
  let stepBytes = 0;
  let largest = { name: "", bytes: 0 };
  for (const buffer of plan.buffers) {
    const bytes = buffer.elements * 4;
    stepBytes += bytes;
    if (bytes > largest.bytes) largest = { name: buffer.name, bytes };
  }
  // Parameters and gradients also hold bias-free convs' zero biases (plan.storedParams).
  const paramBytes = (2 * plan.storedParams + slots * plan.paramCount) * 4;
  return { stepBytes, largest, paramBytes };
}

/**
 * A batch needs more memory than the engine that would run it may have. A usage error
 * (exit 2): the message names the need, the limit and the largest batch that fits.
 */
export class MemoryLimitError extends UsageError {
  /** Creates the error; `need` and `limit` are bytes. */
  constructor(message: string, readonly need: number, readonly limit: number) {
    super(message);
    this.name = "MemoryLimitError";
  }
}

/** What {@linkcode checkBatchMemory} checks. */
export interface BatchMemoryCheck {
  /** Who runs the step, e.g. `the compiled CPU engine`. */
  engine: string;
  /** The architecture's name, for the message. */
  arch: string;
  batchSize: number;
  /** Bytes needed at a batch size (non-decreasing in it). */
  needAt: (batchSize: number) => number;
  /** The most bytes there are. */
  limit: number;
  /** What the limit is, e.g. `its WebAssembly memory maximum`. */
  limitName: string;
}

/**
 * Refuses a batch whose memory need is over the limit, before anything is allocated.
 *
 * @param check The engine, batch, need function and limit.
 * @throws {MemoryLimitError} naming the need, the limit and the largest batch that fits.
 * @example
 * ```ts
 * import { checkBatchMemory } from "./plan_memory.ts";
 * let message = "";
 * try {
 *   checkBatchMemory({ engine: "an engine", arch: "mlp", batchSize: 100, needAt: (b) => b * 1e6,
 *     limit: 50e6, limitName: "its limit" });
 * } catch (error) {
 *   message = (error as Error).message;
 * }
 * if (!message.endsWith("the largest batch that fits is 50")) throw new Error(message);
 * ```
 */
export function checkBatchMemory(check: BatchMemoryCheck): void {
  const { needAt, limit } = check;
  const need = needAt(check.batchSize);
  if (need <= limit) return;
  // Binary search: the largest batch in [0, batchSize) whose need fits (0: none).
  let [low, high] = [0, check.batchSize - 1];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (needAt(mid) <= limit) low = mid;
    else high = mid - 1;
  }
  const fits = low > 0
    ? `the largest batch that fits is ${low}`
    : "no batch fits (the training split alone is too large)";
  throw new MemoryLimitError(
    `Batch size ${check.batchSize} needs ${formatBytes(need)} on ${check.engine} ` +
      `(${check.arch}), more than ${check.limitName} of ${formatBytes(limit)}; ${fits}`,
    need,
    limit,
  );
}

/**
 * The CPU engine: a whole training step (forward, loss, backward, optimizer) of a plan
 * (`lib/engine/plan.ts`) as one call into our own wasm kernels (`kernels/step.c`, SIMD with
 * relaxed-SIMD FMA where the runtime validates it), over buffers laid out once in one shared
 * `WebAssembly.Memory`, on `threads` threads (the caller's plus workers). The threads take
 * chunks of the batch in turn (three per thread, of 8 samples or more), each chunk into its own gradient array
 * (a batchNorm's forward and backward each add a barrier: its sums over the whole batch are
 * per-chunk partial sums, added in chunk order after it); after one barrier they take slices
 * of the packed parameters, sum the chunks' gradients in chunk order and apply the optimizer.
 * So a step's result does not depend on which thread ran what, and a thread the OS
 * descheduled does less of the work instead of stalling it. The same memory holds a
 * forward-only inference program (`CpuEngine.infer`).
 *
 * @module
 */
import type { Architecture } from "../../models/architecture.ts";
import type { OptimizerSpec } from "../plan.ts";
import { writeControl } from "./_control.ts";
import { bindEngine, type CpuEngine } from "./_engine.ts";
import { instantiate, loadKernels } from "./_kernels.ts";
import { layoutStep } from "./_program.ts";
import { startWorkers } from "./_threads.ts";
import { allocateMemory, checkWasmMemory, memoryPages } from "./_memory.ts";

export type { CpuEngine };

/** Most threads the engine starts by default. */
export const MAX_CPU_THREADS = 8;

/** Options for {@linkcode createCpuEngine}. */
export interface CpuEngineOptions {
  /** Architecture name or object (tests run variants, e.g. dropout rate 0). */
  arch: string | Architecture;
  /** Largest batch (tail batches run with fewer samples). */
  batchSize: number;
  /** tfjs' optimizer arithmetic to apply (RMSprop without momentum, Adam, SGD). */
  optimizer: OptimizerSpec;
  /** Images the dataset region holds. */
  samples: number;
  /** Threads, 1 to 64. @default {@linkcode hardwareCpuThreads} */
  threads?: number;
  /** Force the plain-SIMD build (tests, comparison). @default false */
  plainSimd?: boolean;
  /**
   * Whether the calling thread may block (`memory.atomic.wait32`) at the step's barriers;
   * a browser's main thread may not, and spins instead. @default true
   */
  mayWait?: boolean;
}

/**
 * The thread count this machine suggests: `navigator.hardwareConcurrency`, capped at
 * {@linkcode MAX_CPU_THREADS} (Deno's `defaultCpuThreads` in `cpu_host.ts` also reads the
 * environment).
 *
 * @returns A thread count ≥ 1.
 * @example
 * ```ts
 * import { hardwareCpuThreads } from "./cpu_engine.ts";
 * console.assert(hardwareCpuThreads() >= 1);
 * ```
 */
export function hardwareCpuThreads(): number {
  return Math.max(1, Math.min(MAX_CPU_THREADS, navigator.hardwareConcurrency ?? 1));
}

/**
 * Lays out memory for a plan, instantiates the kernels and starts the workers.
 *
 * @param options Architecture, batch, optimizer, dataset capacity, threads.
 * @returns The engine (parameters and slots zero, the state a fresh model's, dataset empty).
 * @throws {RangeError} for a bad thread count or an architecture the plan does not support.
 * @throws {MemoryLimitError} when the batch needs more than the 2 GiB memory maximum.
 * @example
 * ```ts ignore
 * const engine = await createCpuEngine({ arch: "mlp", batchSize: 32, samples: 64,
 *   optimizer: { kind: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } });
 * engine.dispose();
 * ```
 */
export async function createCpuEngine(options: CpuEngineOptions): Promise<CpuEngine> {
  const threads = options.threads ?? hardwareCpuThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`CPU engine threads must be an integer 1 to 64, got ${threads}`);
  }
  const { bytes, module, simd, heapBase } = loadKernels(options.plainSimd ?? false);
  const { arch, batchSize, samples, optimizer } = options;
  checkWasmMemory(arch, batchSize, threads, samples, heapBase);
  const layout = layoutStep(arch, batchSize, threads, samples, heapBase);
  const memory = allocateMemory(memoryPages(layout.end), layout.plan.arch);
  const kernels = instantiate(module, memory);
  writeControl(memory, layout, threads, optimizer);
  const workers = await startWorkers(bytes, memory, layout.ctl, layout.stacks);
  const mayWait = options.mayWait === false ? 0 : 1;
  return bindEngine({ memory, layout, threads, simd, kernels, workers, optimizer, mayWait });
}

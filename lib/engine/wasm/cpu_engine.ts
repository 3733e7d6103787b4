/**
 * The CPU engine: a whole training step (forward, loss, backward, optimizer) of a plan
 * (`lib/engine/plan.ts`) as one call into our own wasm kernels (`kernels/step.c`, SIMD with
 * relaxed-SIMD FMA where the runtime validates it), over buffers laid out once in one shared
 * `WebAssembly.Memory`, on `threads` threads (the caller's plus workers). The threads take
 * chunks of the batch in turn (three per thread), each chunk into its own gradient array;
 * after one barrier they take slices of the packed parameters, sum the chunks' gradients in
 * chunk order and apply the optimizer. So a step's result does not depend on which thread
 * ran what, and a thread the OS descheduled does less of the work instead of stalling it.
 *
 * @module
 */
import type { Architecture } from "../../models/architecture.ts";
import type { OptimizerSpec, TrainingPlan } from "../plan.ts";
import { C, f32bits } from "./_layout.ts";
import { profileOps, writeControl } from "./_control.ts";
import { layoutStep, type StepLayout } from "./_program.ts";
import { startWorkers } from "./_threads.ts";
import { allocateMemory, checkWasmMemory, memoryPages } from "./_memory.ts";
import { PLAIN_WASM_BASE64, RELAXED_WASM_BASE64 } from "./_wasm_binary.ts";

/** Most threads the engine starts by default. */
export const MAX_CPU_THREADS = 8;

/**
 * The thread count this machine suggests: `navigator.hardwareConcurrency`, capped at
 * {@linkcode MAX_CPU_THREADS} (Deno's `defaultCpuThreads` in `cpu_host.ts` also reads the
 * environment).
 *
 * @returns A thread count ≥ 1.
 */
export function hardwareCpuThreads(): number {
  return Math.max(1, Math.min(MAX_CPU_THREADS, navigator.hardwareConcurrency ?? 1));
}

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

/** A running engine; see the module doc. */
export interface CpuEngine {
  readonly plan: TrainingPlan;
  readonly threads: number;
  /** `relaxed` (FMA) or `plain` SIMD build. */
  readonly simd: "relaxed" | "plain";
  /** Packed parameters (plan layout), live view of the engine's memory. */
  readonly params: Float32Array;
  /** Optimizer slots: RMSprop rms, momentum; Adam m, v (unused for SGD). */
  readonly slots: readonly [Float32Array, Float32Array];
  /** The last step's summed gradient (plan layout). */
  readonly gradient: Float32Array;
  /** Dataset images (`samples × 784` bytes) and labels, and the sample order steps read. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly order: Int32Array;
  /** Adam's β₁ᵗ, β₂ᵗ for the next step, as tfjs' float32 `accBeta1` / `accBeta2`. */
  accBeta: [number, number];
  /**
   * Runs one step on samples `order[offset … offset + n)`.
   * @param seeds One 32-bit seed per dropout layer.
   * @param update Apply the optimizer (false: only compute `gradient`).
   */
  step(n: number, offset: number, seeds: readonly number[], update?: boolean): void;
  /** Sum of per-sample losses and of correct predictions since the last call; resets them. */
  takeSums(): { loss: number; correct: number };
  /** Per-sample losses of the last step. */
  readonly losses: Float32Array;
  /**
   * Per-op CPU milliseconds (all threads of the process) of a step of `n` samples: the batch
   * gather, forward, loss, backward ops, then the reduction + optimizer phase. Each op runs
   * alone on the buffers a full step left, `repeats` times (best of); CPU time, not wall
   * clock, so that other processes on a shared machine do not count. Updates no parameters.
   * @param cpuTimeMs The process's CPU time so far, in ms (Deno: `processCpuMs`).
   */
  profile(n: number, repeats: number, cpuTimeMs: () => number): { op: string; ms: number }[];
  /** Stops the workers. */
  dispose(): void;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64.replaceAll("\n", ""));
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function pickBuild(plain: boolean): { bytes: Uint8Array<ArrayBuffer>; simd: "relaxed" | "plain" } {
  if (!plain) {
    const bytes = decode(RELAXED_WASM_BASE64);
    if (WebAssembly.validate(bytes)) return { bytes, simd: "relaxed" };
  }
  return { bytes: decode(PLAIN_WASM_BASE64), simd: "plain" };
}

interface KernelExports {
  __heap_base: WebAssembly.Global;
  step(ctl: number, mayWait: number): void;
}

/**
 * Lays out memory for a plan, instantiates the kernels and starts the workers.
 *
 * @param options Architecture, batch, optimizer, dataset capacity, threads.
 * @returns The engine (parameters and slots zero, dataset empty).
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
  const { bytes, simd } = pickBuild(options.plainSimd ?? false);
  const module = new WebAssembly.Module(bytes);
  // The heap base is a constant of the module; a throwaway instance on a 1-page memory reads it.
  const probe = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const heapBase = (new WebAssembly.Instance(module, { env: { memory: probe } })
    .exports as unknown as KernelExports).__heap_base.value as number;
  const { arch, batchSize, samples } = options;
  checkWasmMemory(arch, batchSize, threads, samples, heapBase);
  const layout = layoutStep(arch, batchSize, threads, samples, heapBase);
  const memory = allocateMemory(memoryPages(layout.end), layout.plan.arch);
  const kernels = new WebAssembly.Instance(module, { env: { memory } })
    .exports as unknown as KernelExports;
  writeControl(memory, layout, threads, options.optimizer);
  const workers = await startWorkers(bytes, memory, layout.ctl, layout.stacks);
  const mayWait = options.mayWait === false ? 0 : 1;
  return wrap(memory, layout, threads, simd, kernels, workers, options.optimizer, mayWait);
}

function wrap(
  memory: WebAssembly.Memory,
  layout: StepLayout,
  threads: number,
  simd: "relaxed" | "plain",
  kernels: KernelExports,
  workers: Worker[],
  opt: OptimizerSpec,
  mayWait: number,
): CpuEngine {
  const buf = memory.buffer;
  const i32 = new Int32Array(buf);
  const ctl = layout.ctl / 4;
  const n = layout.plan.paramCount;
  const sums = new Float64Array(buf, layout.sums, 2);
  const seeds = new Uint32Array(buf, layout.seeds, Math.max(1, layout.dropouts));
  const samples = layout.samples;
  let disposed = false;
  const engine: CpuEngine = {
    plan: layout.plan,
    threads,
    simd,
    params: new Float32Array(buf, layout.params, n),
    slots: [new Float32Array(buf, layout.slot1, n), new Float32Array(buf, layout.slot2, n)],
    gradient: new Float32Array(buf, layout.grads[0]!, n),
    images: new Uint8Array(buf, layout.images, samples * 784),
    labels: new Uint8Array(buf, layout.labels, samples),
    order: new Int32Array(buf, layout.order, samples),
    losses: new Float32Array(buf, layout.loss, layout.plan.batchSize),
    // A fresh tfjs Adam starts its accumulators at β₁, β₂.
    accBeta: opt.kind === "adam" ? [Math.fround(opt.beta1), Math.fround(opt.beta2)] : [1, 1],
    step(count, offset, stepSeeds, update = true) {
      if (disposed) throw new Error("The CPU engine was disposed");
      if (!(count >= 1 && count <= layout.plan.batchSize)) {
        throw new RangeError(`Step size ${count} outside 1…${layout.plan.batchSize}`);
      }
      i32[ctl + C.N] = count;
      i32[ctl + C.ORDER_OFF] = offset;
      i32[ctl + C.UPDATE] = update ? 1 : 0;
      stepSeeds.forEach((s, i) => (seeds[i] = s >>> 0));
      if (opt.kind === "adam") {
        i32[ctl + C.C1] = f32bits(1 - this.accBeta[0]);
        i32[ctl + C.C2] = f32bits(1 - this.accBeta[1]);
      }
      kernels.step(layout.ctl, mayWait);
      if (update && opt.kind === "adam") {
        // tfjs multiplies its float32 accumulators after each update.
        this.accBeta = [
          Math.fround(this.accBeta[0] * Math.fround(opt.beta1)),
          Math.fround(this.accBeta[1] * Math.fround(opt.beta2)),
        ];
      }
    },
    profile(count, repeats, cpuTimeMs) {
      return profileOps(layout, i32, () => {
        let best = Infinity;
        for (let r = 0; r < repeats; r++) {
          const start = cpuTimeMs();
          this.step(count, 0, [1], false);
          best = Math.min(best, cpuTimeMs() - start);
        }
        this.takeSums();
        return best;
      });
    },
    takeSums() {
      const result = { loss: sums[0]!, correct: sums[1]! };
      sums.fill(0);
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(i32, ctl + C.QUIT, 1);
      Atomics.add(i32, ctl + C.GEN, 1);
      Atomics.notify(i32, ctl + C.GEN);
      workers.forEach((w) => w.terminate());
    },
  };
  return engine;
}

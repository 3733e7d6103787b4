/**
 * The compiled CPU engine (our wasm kernels) in a page: threads only where the page is
 * cross-origin isolated (COOP + COEP headers; shared memory crosses to workers only there),
 * else one (Deno, which has no such flag, gets threads); the page's thread spins at the step's barriers instead of blocking (a page's
 * main thread may not `wait`). Inference is the engine's own forward-only program.
 *
 * @module
 */
import type { MnistSplit } from "../data/types.ts";
import type { Architecture } from "../models/architecture.ts";
import type { OptimizerSpec, PackedTrainingState } from "../engine/plan.ts";
import { createCpuEngine, hardwareCpuThreads } from "../engine/wasm/cpu_engine.ts";
import { cpuStepper } from "../engine/wasm/cpu_stepper.ts";
import type { TrainingEngine } from "./_webgpu_engine.ts";

/** Everything {@linkcode openWasmEngine} builds an engine from. */
export interface WasmEngineInput {
  arch: Architecture;
  batchSize: number;
  optimizer: OptimizerSpec;
  train: MnistSplit;
  state: PackedTrainingState;
  /** @default `hardwareCpuThreads()`, but 1 in a page that is not cross-origin isolated */
  threads?: number;
}

/**
 * Lays out the engine's memory, loads the state and the split, and wraps it.
 *
 * @throws {RangeError} for an architecture or optimizer outside the engine.
 * @throws {MemoryLimitError} when the batch needs more than the 2 GiB memory maximum.
 */
export async function openWasmEngine(input: WasmEngineInput): Promise<TrainingEngine> {
  // Deno's types have no `crossOriginIsolated` (Deno itself shares memory with workers freely).
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  const threads = input.threads ?? (isolated === false ? 1 : hardwareCpuThreads());
  const { train } = input;
  const engine = await createCpuEngine({
    arch: input.arch,
    batchSize: input.batchSize,
    optimizer: input.optimizer,
    samples: train.count,
    threads,
    mayWait: false,
  });
  engine.params.set(input.state.params);
  engine.state.set(input.state.state);
  input.state.slots.forEach((slot, k) => engine.slots[k]!.set(slot));
  engine.accBeta = input.state.accBeta;
  engine.images.set(train.images.subarray(0, train.count * 784));
  engine.labels.set(train.labels.subarray(0, train.count));
  return {
    name: "wasm",
    description: `CPU, ${engine.simd} SIMD, ${threads} thread${threads === 1 ? "" : "s"}`,
    plan: engine.plan,
    stepper: cpuStepper(engine, train.count),
    readState: () =>
      Promise.resolve({
        params: engine.params.slice(),
        slots: input.state.slots.map((_, k) => engine.slots[k]!.slice()),
        accBeta: engine.accBeta,
        state: engine.state.slice(),
      }),
    infer: (images, count) => Promise.resolve(engine.infer(images, count)),
    dispose: () => engine.dispose(),
  };
}

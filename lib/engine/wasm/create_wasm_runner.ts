/**
 * The compiled engine on the CPU as an `EpochRunner`: packs the model's weights (and its
 * batchNorm moving statistics) and the optimizer's state into the CPU engine's memory when
 * created (the whole training split is copied there once, as bytes), trains epochs with one
 * wasm call per step, and writes them back into the tfjs model and optimizer on `sync()`.
 *
 * Loaded only by dynamic `import()` (from `lib/train/create_runner.ts` when the active
 * backend is `wasm`), so nothing of it runs when the training loop is imported.
 *
 * @module
 */
import type { Architecture } from "../../models/architecture.ts";
import type { EpochRunner, EpochRunnerInput } from "../../runner/epoch_runner.ts";
import { runCompiledEpoch } from "../compiled_epoch.ts";
import type { OptimizerSpec } from "../plan.ts";
import { compiledOptimizerSpec, readTrainingState, writeTrainingState } from "../tfjs_state.ts";
import { type CpuEngine, createCpuEngine } from "./cpu_engine.ts";
import { defaultCpuThreads } from "./cpu_host.ts";
import { cpuStepper } from "./cpu_stepper.ts";

/** Options of {@linkcode createWasmEngineRunner}. */
export interface WasmRunnerOptions {
  /** Threads. @default `defaultCpuThreads()` (MNIST_WASM_THREADS, else the CPU count, ≤ 8) */
  threads?: number;
  /** The architecture to compile, when it is not the registered `input.arch` (tests). */
  architecture?: Architecture;
}

/** Copies the model's weights and state, the optimizer's slots and the split into the engine. */
function loadEngine(engine: CpuEngine, input: EpochRunnerInput, spec: OptimizerSpec): void {
  const state = readTrainingState(input.model, input.optimizer, spec, engine.plan);
  engine.params.set(state.params);
  engine.state.set(state.state);
  state.slots.forEach((slot, k) => engine.slots[k]!.set(slot));
  engine.accBeta = state.accBeta;
  engine.images.set(input.train.images.subarray(0, input.train.count * 784));
  engine.labels.set(input.train.labels.subarray(0, input.train.count));
}

/**
 * Creates the CPU compiled-engine runner.
 *
 * @param input Model, optimizer, training split and batch size.
 * @param options Threads; an architecture object for tests.
 * @returns A runner whose `engine` is `"compiled"`.
 * @throws {RangeError} when the architecture or optimizer is outside what the engine runs
 *   (the message says which).
 * @example
 * ```ts ignore
 * const runner = await createWasmEngineRunner({ arch: "cnn-deep", model, optimizer, train, batchSize: 64 });
 * await runner.runEpoch({ epoch: 1, epochs: 1, random: mulberry32(1), progressUpdates: 4 });
 * await runner.sync();
 * runner.dispose();
 * ```
 */
export async function createWasmEngineRunner(
  input: EpochRunnerInput,
  options: WasmRunnerOptions = {},
): Promise<EpochRunner> {
  const spec = compiledOptimizerSpec(input.optimizer);
  const engine: CpuEngine = await createCpuEngine({
    arch: options.architecture ?? input.arch,
    // A batch larger than the split runs as one step of the split: lay out only that.
    batchSize: Math.min(input.batchSize, input.train.count),
    optimizer: spec,
    samples: input.train.count,
    threads: options.threads ?? defaultCpuThreads(),
  });
  try {
    loadEngine(engine, input, spec);
  } catch (error) {
    engine.dispose();
    throw error;
  }
  let pending = 0;
  const stepper = cpuStepper(engine, input.train.count);
  return {
    engine: "compiled",
    runEpoch: (args) => runCompiledEpoch(stepper, args, () => pending++),
    sync() {
      const state = {
        params: engine.params.slice(),
        slots: spec.kind === "sgd" ? [] : engine.slots.map((s) => s.slice()),
        accBeta: engine.accBeta,
        state: engine.state.slice(),
      };
      writeTrainingState(input.model, input.optimizer, spec, engine.plan, state, pending);
      pending = 0;
      return Promise.resolve();
    },
    dispose: () => engine.dispose(),
  };
}

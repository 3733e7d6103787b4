/**
 * Picks and creates the `EpochRunner` of a training run: the tfjs path, or the compiled
 * engine of the active backend (WebGPU: `lib/engine/webgpu/`, wasm: `lib/engine/wasm/`). Compiled engines are
 * loaded with dynamic `import()`, so importing this module loads no WebGPU or wasm code.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError, UsageError } from "../errors.ts";
import { createTfjsRunner } from "./tfjs_runner.ts";
import { refuseStockLoops } from "./stock_loop_guard.ts";
import type { EngineRequest, EpochRunner, EpochRunnerInput } from "../runner/epoch_runner.ts";
import { engineSupports } from "../engine/plan.ts";
import { MemoryLimitError } from "../engine/plan_memory.ts";
import { compiledOptimizerSpec, optimizerSpecOf } from "../engine/tfjs_state.ts";

/** Options of {@linkcode createEpochRunner}. */
export interface CreateRunnerOptions {
  /** The active tfjs backend (`webgpu`, `wasm`, `cpu`). */
  backend: string;
  /** Where WebGPU self-check verdicts are cached (e.g. `data/engine-verdicts.json`). */
  verdictFile?: string;
  /** Receives one line naming the engine that will run, and why when `auto` fell back. */
  onNote?: (line: string) => void;
}

/** The tfjs runner, refused where stock tfjs would loop past a software adapter's budget. */
function tfjsRunner(input: EpochRunnerInput, options: CreateRunnerOptions): EpochRunner {
  const batch = Math.min(input.batchSize, input.train.count);
  if (options.backend === "webgpu") refuseStockLoops(input.model, batch, tf.backend());
  return createTfjsRunner(input);
}

/** Why the model itself (architecture, optimizer) cannot be compiled, or null. */
function modelReason(input: EpochRunnerInput): string | null {
  const support = engineSupports(input.arch);
  if (!support.ok) return support.reason;
  const spec = optimizerSpecOf(input.optimizer);
  return "reason" in spec ? spec.reason : null;
}

/** Creates the compiled runner for the backend, or returns why it cannot. */
async function compiledRunner(
  input: EpochRunnerInput,
  options: CreateRunnerOptions,
): Promise<EpochRunner | { reason: string; usage: boolean }> {
  const why = modelReason(input);
  if (why) return { reason: why, usage: true };
  if (options.backend === "webgpu") {
    const { engineVerdict } = await import("../engine/engine_verdict.ts");
    const verdict = await engineVerdict({
      verdictFile: options.verdictFile,
      plan: {
        arch: input.arch,
        batchSize: Math.min(input.batchSize, input.train.count),
        optimizer: compiledOptimizerSpec(input.optimizer).kind,
      },
    });
    if (!verdict.ok) {
      return { reason: `the WebGPU self-check failed: ${verdict.reason}`, usage: false };
    }
    const { createWebGpuEngineRunner } = await import("../engine/webgpu/create_webgpu_runner.ts");
    return await createWebGpuEngineRunner(input);
  }
  if (options.backend === "wasm") {
    const { createWasmEngineRunner } = await import("../engine/wasm/create_wasm_runner.ts");
    return await createWasmEngineRunner(input);
  }
  return { reason: `the ${options.backend} backend has no compiled engine`, usage: false };
}

/**
 * Creates the runner for an engine request: `tfjs` → the tfjs path; `compiled` → the
 * active backend's compiled engine or an error; `auto` → compiled when the backend has one,
 * it supports the model and (on WebGPU) the adapter's self-check passed, else tfjs with one
 * `onNote` line saying why.
 *
 * @param input Model, optimizer, training split, batch size.
 * @param request `compiled`, `tfjs` or `auto`.
 * @param options Active backend, verdict cache, note sink.
 * @returns The runner (`runner.engine` says which one it is).
 * @throws {UsageError} for `compiled` with a model or optimizer outside the engine's vocabulary.
 * @throws {BackendUnavailableError} for `compiled` on a backend without a working engine.
 * @throws {MemoryLimitError} when the batch does not fit the engine (any request but `tfjs`).
 * @example
 * ```ts ignore
 * const runner = await createEpochRunner(input, "auto", {
 *   backend: tf.getBackend(),
 *   verdictFile: "data/engine-verdicts.json",
 *   onNote: (line) => console.log(line),
 * });
 * ```
 */
export async function createEpochRunner(
  input: EpochRunnerInput,
  request: EngineRequest,
  options: CreateRunnerOptions,
): Promise<EpochRunner> {
  if (request === "tfjs") {
    options.onNote?.("Engine: tfjs (requested)");
    return tfjsRunner(input, options);
  }
  let result: EpochRunner | { reason: string; usage: boolean };
  try {
    result = await compiledRunner(input, options);
  } catch (error) {
    // A batch too large for the engine is refused, not run on the tfjs path instead: tfjs
    // needs ~5× the memory for the same step (see plan_memory.ts).
    if (error instanceof MemoryLimitError) throw error;
    if (error instanceof RangeError) result = { reason: error.message, usage: true };
    else if (request === "compiled") throw error;
    else result = { reason: (error as Error).message, usage: false };
  }
  if (!("reason" in result)) {
    options.onNote?.(`Engine: compiled (the whole step as one fused plan on ${options.backend})`);
    return result;
  }
  if (request === "compiled") {
    const message = `--engine compiled is unavailable: ${result.reason}`;
    throw result.usage ? new UsageError(message) : new BackendUnavailableError(message);
  }
  options.onNote?.(`Engine: tfjs (the compiled engine is off: ${result.reason})`);
  return tfjsRunner(input, options);
}

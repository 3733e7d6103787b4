/**
 * One call for the GPU verification kit (`deno task gpu-verify`): the compiled engine's
 * parity with the tfjs path at an architecture and batch size, then its speed and WebGPU
 * call counts beside the tfjs path's. Run with the `webgpu` backend active.
 *
 * @module
 */
import { benchEngine, type EngineBenchRow } from "../bench/bench_engine.ts";
import { limitSplit } from "../data/tensors.ts";
import type { MnistSplit } from "../data/types.ts";
import type { EngineParity } from "./webgpu/engine_parity.ts";

/** What {@linkcode verifyEngine} measured. */
export interface EngineVerification {
  arch: string;
  batchSize: number;
  /** Three steps (the last a tail batch) of engine vs tfjs path, dropout off. */
  parity: EngineParity;
  /** The compiled engine's speed and counters. */
  compiled: EngineBenchRow;
  /** The tfjs path's, measured the same way. */
  tfjs: EngineBenchRow;
}

/**
 * Checks and times the compiled engine at one architecture and batch size.
 *
 * @param train Training samples (real MNIST).
 * @param options Architecture, batch size, timed steps (default 20).
 * @returns Parity, and both engines' bench rows (with counters).
 * @throws {BackendUnavailableError} when the compiled engine cannot run here.
 * @example
 * ```ts ignore
 * const v = await verifyEngine(data.train, { arch: "cnn-deep", batchSize: 1024 });
 * console.log(v.parity.maxRelativeError, v.compiled.msPerStep, v.tfjs.msPerStep);
 * ```
 */
export async function verifyEngine(
  train: MnistSplit,
  options: { arch: string; batchSize: number; steps?: number },
): Promise<EngineVerification> {
  const { engineParity } = await import("./webgpu/engine_parity.ts");
  const { arch, batchSize } = options;
  const parity = await engineParity({
    arch,
    batchSize,
    train: limitSplit(train, 2 * batchSize + Math.ceil(batchSize / 3)),
  });
  const bench = { arch, batchSize, steps: options.steps ?? 20, counters: true };
  const compiled = await benchEngine(train, { ...bench, engine: "compiled" });
  const tfjs = await benchEngine(train, { ...bench, engine: "tfjs" });
  return { arch, batchSize, parity, compiled, tfjs };
}

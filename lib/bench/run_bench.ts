/**
 * The `bench` task's loop: one row per architecture, through the requested engine (or, with
 * `profile`, the tfjs path with a per-kernel breakdown).
 *
 * @module
 */
import type { MnistSplit } from "../data/types.ts";
import type { Architecture } from "../models/architecture.ts";
import type { EngineRequest } from "../runner/epoch_runner.ts";
import { benchEngine, type EngineBenchRow } from "./bench_engine.ts";
import { type BenchRow, benchTraining } from "./bench_training.ts";

/** What the bench task asks for. */
export interface RunBenchOptions {
  /** The architectures, resolved by the caller (names and files). */
  archs: Architecture[];
  batchSize?: number;
  steps?: number;
  warmupSteps?: number;
  engine: EngineRequest;
  kernels: "fast" | "stock";
  counters: boolean;
  profile: boolean;
  verdictFile?: string;
  onNote?: (line: string) => void;
}

/** A row as the bench prints it. */
export type BenchTaskRow = (BenchRow | EngineBenchRow) & { engine: string; kernels: string };

/**
 * Benchmarks each architecture in turn.
 *
 * @param train Training samples.
 * @param options The task's choices.
 * @returns One row per architecture, with the engine that ran.
 * @example
 * ```ts ignore
 * const rows = await runBench(data.train, { archs: ["cnn-deep"], engine: "auto", kernels: "fast", counters: true, profile: false });
 * ```
 */
export async function runBench(
  train: MnistSplit,
  options: RunBenchOptions,
): Promise<BenchTaskRow[]> {
  const rows: BenchTaskRow[] = [];
  for (const arch of options.archs) {
    const base = {
      arch,
      batchSize: options.batchSize,
      steps: options.steps,
      warmupSteps: options.warmupSteps,
    };
    const row = options.profile
      ? {
        ...await benchTraining(train, { ...base, profile: true }),
        engine: "tfjs",
      }
      : await benchEngine(train, { ...base, ...options });
    rows.push({ ...row, kernels: options.kernels });
  }
  return rows;
}

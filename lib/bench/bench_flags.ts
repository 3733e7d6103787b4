/**
 * The flags of `deno task bench` and their translation into `runBench` options.
 *
 * @module
 */
import type { FlagSpec, ParsedFlags } from "../cli/flag_spec.ts";
import { choiceFlag, intFlag } from "../cli/flag_values.ts";
import { ARCH_FILES_FLAG, architecturesFromFlags, archListFlag } from "../cli/arch_flags.ts";
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import { ENGINE_FLAG, engineFlag } from "../cli/train_flags.ts";
import { BACKEND_FLAG, DATA_DIR_FLAG, JSON_FLAG } from "../cli/common_flags.ts";
import type { RunBenchOptions } from "./run_bench.ts";
import { defaultTrainConfig } from "../defaults.ts";

const n = (help: string): FlagSpec => ({ type: "string", value: "N", help });
const on = (help: string): FlagSpec => ({ type: "boolean", help });

/** Flags of `bench`. */
export const BENCH_FLAGS: Record<string, FlagSpec> = {
  arch: { type: "string", value: "A,B", help: "Architectures (default cnn-deep)" },
  "arch-file": ARCH_FILES_FLAG,
  batch: n("Batch size (default: each recipe's)"),
  steps: n("Timed steps (default 20)"),
  warmup: n("Warm-up steps (default 3)"),
  backend: BACKEND_FLAG,
  engine: ENGINE_FLAG,
  kernels: {
    type: "string",
    value: "K",
    help: "fast (default: our wasm training kernels) or stock tfjs",
  },
  counters: on("Count WebGPU calls per step (webgpu)"),
  profile: on("Per-kernel breakdown of one tfjs-path step"),
  occupancy: on("List the GPU tuning's dispatches from the plan (no GPU; batches 64, 1024)"),
  "data-dir": DATA_DIR_FLAG,
  json: JSON_FLAG,
};

/**
 * Translates parsed `bench` flags (validating every value, reading `--arch-file`).
 *
 * @param flags Parsed flags.
 * @returns `runBench` options (without the note sink).
 * @throws {UsageError} for a bad value.
 * @example
 * ```ts
 * import { benchOptionsFromFlags } from "./bench_flags.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal((await benchOptionsFromFlags({ engine: "compiled" })).engine, "compiled");
 * ```
 */
export async function benchOptionsFromFlags(flags: ParsedFlags): Promise<RunBenchOptions> {
  return {
    archs: await architecturesFromFlags(flags, ["cnn-deep"]),
    batchSize: intFlag(flags, "batch", { min: 1, max: 60_000 }),
    steps: intFlag(flags, "steps", { min: 1, max: 100_000 }),
    warmupSteps: intFlag(flags, "warmup", { min: 1, max: 1000 }),
    engine: engineFlag(flags) ?? defaultTrainConfig().engine,
    kernels: choiceFlag(flags, "kernels", ["fast", "stock"] as const) ??
      defaultTrainConfig().kernels,
    counters: flags.counters === true,
    profile: flags.profile === true,
    verdictFile: defaultTrainConfig().engineVerdictFile,
  };
}

/**
 * What `bench --occupancy` lists: the given architectures (default all four) at the given
 * batch (default 64 and 1024, the sizes the targets are set at).
 *
 * @param flags Parsed flags.
 * @returns Architectures and batch sizes.
 * @throws {UsageError} for a bad value.
 * @example
 * ```ts
 * import { occupancyOptionsFromFlags } from "./bench_flags.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(occupancyOptionsFromFlags({ batch: "8" }).batches, [8]);
 * ```
 */
export function occupancyOptionsFromFlags(
  flags: ParsedFlags,
): { archs: string[]; batches: number[] } {
  const batch = intFlag(flags, "batch", { min: 1, max: 60_000 });
  return {
    archs: archListFlag(flags) ?? [...ARCHITECTURE_NAMES],
    batches: batch === undefined ? [64, 1024] : [batch],
  };
}

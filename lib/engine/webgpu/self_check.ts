/**
 * The compiled WebGPU engine's self-check for one plan on this adapter: one step of the
 * run's own architecture, at its own batch size and kernel tuning, against the float64
 * reference (`lib/engine/reference/`). A check of one small model could not see faults that
 * depend on the plan, such as a kernel that outruns llvmpipe's loop budget only from batch
 * 512 on. Costs one step of the engine plus the reference (~1 s for cnn-deep at batch 64 on
 * this 2-core machine), once per plan and adapter: the verdict is cached.
 *
 * @module
 */
import type { Architecture, OptimizerName } from "../../models/architecture.ts";
import { ENGINE_CHECK_TOLERANCE, runEngineCheck } from "../check/engine_check.ts";
import type { Tuning } from "./_tiles.ts";

/** Largest relative difference the check accepts. */
export const SELF_CHECK_TOLERANCE = ENGINE_CHECK_TOLERANCE;

/**
 * The largest batch the self-check runs: the float64 reference keeps every activation of
 * every sample (~0.6 MB a sample for cnn-deep), so a larger run is checked at this batch;
 * what only a larger batch could break (a kernel's loop budget) is checked when the kernels
 * are generated (`_loop_limit.ts`).
 */
export const SELF_CHECK_MAX_BATCH = 1024;

/** The plan a self-check covers. */
export interface SelfCheckPlan {
  arch: Architecture;
  batchSize: number;
  tuning: Tuning;
  /** The run's optimizer (its update kernel is part of the step). @default the recipe's */
  optimizer?: OptimizerName;
}

/** The check's outcome: the worst relative difference, and why it failed if it did. */
export interface SelfCheckResult {
  ok: boolean;
  maxRelativeError: number;
  reason?: string;
}

/**
 * Runs one step of the plan on `device` and compares it with the reference.
 *
 * @param device The engine's device.
 * @param adapter The adapter's description, for the message.
 * @param plan Architecture, batch size and tuning of the run.
 * @returns Whether every tensor matched within {@linkcode SELF_CHECK_TOLERANCE}.
 * @example
 * ```ts ignore
 * const { ok } = await runSelfCheck(device, "llvmpipe", { arch, batchSize: 64, tuning: "cpu" });
 * ```
 */
export async function runSelfCheck(
  device: GPUDevice,
  adapter: string,
  plan: SelfCheckPlan,
): Promise<SelfCheckResult> {
  const report = await runEngineCheck({
    arch: plan.arch,
    batchSize: Math.min(plan.batchSize, SELF_CHECK_MAX_BATCH),
    optimizer: plan.optimizer,
    engines: ["webgpu"],
    tunings: [plan.tuning],
    gpu: { device, description: adapter },
  });
  const row = report.rows[0]!;
  const e = row.worst.error;
  if (row.ok) return { ok: true, maxRelativeError: e };
  return {
    ok: false,
    maxRelativeError: e,
    reason: `one ${plan.arch.name} step at batch ${plan.batchSize} (${plan.tuning} tuning) ` +
      `differs from the float64 reference by ${e.toExponential(2)} (relative, ${row.worst.tensor})`,
  };
}

/**
 * `bench --occupancy`: every dispatch of the compiled engine's GPU tuning, sized from the
 * plan alone (no adapter is requested), against what a data-centre GPU needs to be busy:
 * an H200 has 132 SMs, so a dispatch with real work needs two workgroups per SM, and a
 * serial loop of thousands of iterations in one invocation cannot be fast anywhere.
 *
 * @module
 */
import { getArchitecture } from "../models/architectures.ts";
import { type OptimizerSpec, planTraining } from "../engine/plan.ts";
import { stepKernels, type Tuning } from "../engine/webgpu/step_kernels.ts";

/** The targets a GPU-tuned dispatch is held to (issue 16). */
export const OCCUPANCY_TARGETS = Object.freeze({
  /** Two workgroups per SM of an H200 (132 SMs)… */
  minWorkgroups: 264,
  /** …for every dispatch with more than this many FLOPs. */
  busyFlops: 1e6,
  /** Iterations one invocation may loop (every loop's, outer ones too: `Kernel.serialLoop`). */
  maxSerialLoop: 4096,
});

/** Dispatches that reduce over the batch and must do so in parallel. */
const BATCH_REDUCTIONS = /^(softmax_loss|dense\d+_dw)$/;

/** One dispatch of a step. */
export interface OccupancyDispatch {
  label: string;
  workgroups: number;
  workgroupSize: number;
  flops: number;
  bytes: number;
  serialLoop: number;
  /**
   * Targets missed: `workgroups` (busy but under two per SM), `serialLoop` (an invocation
   * loops past the limit), `serialBatch` (a sum over the batch not spread over it).
   */
  breaches: string[];
}

/** One architecture at one batch size. */
export interface OccupancyPlan {
  arch: string;
  batch: number;
  tuning: Tuning;
  flops: number;
  dispatches: OccupancyDispatch[];
  breaches: number;
}

/** The optimizer of an architecture's recipe, with tfjs' default hyperparameters. */
function recipeOptimizer(arch: string): OptimizerSpec {
  const { optimizer: kind, learningRate } = getArchitecture(arch).recipe;
  if (kind === "adam") {
    return { kind, learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
  }
  if (kind === "rmsprop") return { kind, learningRate, decay: 0.9, momentum: 0, epsilon: 1e-7 };
  return { kind, learningRate };
}

/**
 * The dispatches of one training step of `arch` at `batch` (GPU tuning unless told), with
 * the targets each misses.
 *
 * @param arch Architecture name.
 * @param batch Batch size.
 * @param tuning Which kernel shapes (the targets are the GPU tuning's).
 * @returns The step's dispatches in order and its number of breaches.
 * @example
 * ```ts
 * import { occupancyPlan } from "./occupancy.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(occupancyPlan("mlp", 64).dispatches[0]!.label, "gather");
 * ```
 */
export function occupancyPlan(arch: string, batch: number, tuning: Tuning = "gpu"): OccupancyPlan {
  const plan = planTraining(arch, batch);
  const t = OCCUPANCY_TARGETS;
  const dispatches = stepKernels(plan, recipeOptimizer(arch), tuning).map((k) => {
    const workgroups = k.groups[0] * k.groups[1];
    const breaches = [
      ...(k.flops > t.busyFlops && workgroups < t.minWorkgroups ? ["workgroups"] : []),
      ...(k.serialLoop > t.maxSerialLoop ? ["serialLoop"] : []),
      // A sum over the batch is serial when one invocation walks all of it or when there
      // are fewer threads than samples.
      ...(BATCH_REDUCTIONS.test(k.label) && batch > 1 &&
          (k.serialLoop >= batch || workgroups * k.workgroupSize < batch)
        ? ["serialBatch"]
        : []),
    ];
    return {
      label: k.label,
      workgroups,
      workgroupSize: k.workgroupSize,
      flops: k.flops,
      bytes: k.bytes,
      serialLoop: k.serialLoop,
      breaches,
    };
  });
  return {
    arch: plan.arch,
    batch,
    tuning,
    flops: dispatches.reduce((sum, d) => sum + d.flops, 0),
    dispatches,
    breaches: dispatches.filter((d) => d.breaches.length > 0).length,
  };
}

/** An aligned table of one plan's dispatches, breaches marked with `!`. */
export function renderOccupancy(p: OccupancyPlan): string {
  const header = ["dispatch", "workgroups", "×threads", "MFLOP", "MB", "loop", "breach"];
  const body = p.dispatches.map((d) => [
    d.label,
    String(d.workgroups),
    String(d.workgroupSize),
    (d.flops / 1e6).toFixed(2),
    (d.bytes / 1e6).toFixed(2),
    String(d.serialLoop),
    d.breaches.length ? `! ${d.breaches.join(", ")}` : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]) =>
    c.map((s, i) => (i === 0 || i === 6 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!)))
      .join("  ").trimEnd();
  return [
    `${p.arch}, batch ${p.batch}, ${p.tuning.toUpperCase()} tuning: ${p.dispatches.length} dispatches, ` +
    `${(p.flops / 1e6).toFixed(1)} MFLOP, ${p.breaches} breaching the targets`,
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
  ].join("\n");
}

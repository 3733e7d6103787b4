/**
 * Phase 1, the kit's most valuable figures: the compiled WebGPU engine of `lib/engine/` for
 * all four architectures at batch 64 and 1024. For each, parity with the tfjs path (3 steps,
 * dropout off, loss and every weight within 1e-3), then one whole epoch timed with a single
 * readback at its end. The readback's fixed cost (≥ 10 ms in Deno, see `_readback.ts`) is
 * measured on its own and taken off, so `msPerStep` is the step itself.
 *
 * @module
 */
import { benchEngine } from "../bench/bench_engine.ts";
import { limitSplit } from "../data/tensors.ts";
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import type { MnistSplit } from "../data/types.ts";
import { eachCell } from "./_cells.ts";
import { readbackCost } from "./_readback.ts";
import type { PhaseContext } from "./types.ts";

/** The engine's own bar for parity with the tfjs path (`engineParity`'s documentation). */
const PARITY_TOLERANCE = 1e-3;

/** Architecture × batch of a GPU run. */
export const ENGINE_RUNS: readonly (readonly [string, number])[] = ARCHITECTURE_NAMES.flatMap((
  arch,
) => [[arch, 64], [arch, 1024]] as const);

/** Of a `--quick` run on a software adapter: small, so CI stays within its minutes. */
export const QUICK_ENGINE_RUNS: readonly (readonly [string, number])[] = [["mlp", 8], [
  "cnn-deep",
  4,
]];

/** Seconds one run (parity, warm-up, an epoch) needs to be worth starting on a GPU. */
const RUN_SECONDS = 10;

/** One row of the phase's table. */
export interface EngineSpeedRow extends Record<string, string | number | null> {
  arch: string;
  batch: number;
  parityError: number;
  steps: number;
  epochMs: number;
  readbackMs: number;
  /** (epoch − one readback) / steps. */
  msPerStep: number;
  imagesPerSecond: number;
}

/**
 * Phase 1's rows of this run (empty when it did not run), for the phases that set figures
 * beside them.
 *
 * @param ctx A later phase's context.
 * @returns The rows of phase 1's table.
 */
export function engineRowsOf(ctx: PhaseContext): EngineSpeedRow[] {
  const phase = ctx.earlier().find((p) => p.id === 1);
  return (phase?.tables?.[0]?.rows ?? []) as EngineSpeedRow[];
}

/** One cell: parity, then a timed epoch; its row. */
async function engineCell(
  ctx: PhaseContext,
  train: MnistSplit,
  [arch, batch]: readonly [string, number],
  readbackMs: number,
): Promise<EngineSpeedRow> {
  const { engineParity } = await import("./engine_parity.ts");
  const parity = await engineParity({
    arch,
    batchSize: batch,
    train: limitSplit(train, 2 * batch + Math.ceil(batch / 3)),
  });
  const error = parity.maxRelativeError;
  ctx.check(
    `compiled engine vs tfjs path, ${arch} b${batch}, 3 steps`,
    error <= PARITY_TOLERANCE,
    `worst ${parity.worst}: relative error ${error.toExponential(2)}`,
  );
  // A whole epoch (quick: a few steps), one readback at its end.
  const steps = ctx.quick ? 6 : Math.ceil(train.count / batch);
  const bench = await benchEngine(train, {
    arch,
    batchSize: batch,
    steps,
    warmupSteps: 3,
    engine: "compiled",
    verdictFile: ctx.verdictFile,
  });
  const epochMs = bench.msPerStep * bench.steps;
  const msPerStep = Math.max(0, epochMs - readbackMs) / bench.steps;
  ctx.check(
    `compiled engine trains ${arch} b${batch}`,
    bench.engine === "compiled" && Number.isFinite(epochMs) && epochMs > 0,
    `${bench.engine}, ${epochMs.toFixed(1)} ms for ${bench.steps} steps`,
  );
  ctx.log(
    `engine: ${arch} b${batch} parity ${error.toExponential(1)}, epoch of ${bench.steps} ` +
      `steps ${epochMs.toFixed(1)} ms → ${msPerStep.toFixed(3)} ms/step without the readback`,
  );
  return {
    arch,
    batch,
    parityError: error,
    steps: bench.steps,
    epochMs,
    readbackMs,
    msPerStep,
    imagesPerSecond: (batch * 1000) / msPerStep,
  };
}

/**
 * Phase 1 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function enginePhase(ctx: PhaseContext): Promise<void> {
  const { train } = await ctx.mnist();
  const readback = await readbackCost(ctx.device);
  ctx.record("readback", readback);
  ctx.log(`engine: one readback costs ${readback.ms.toFixed(2)} ms (median)`);
  const rows: EngineSpeedRow[] = [];
  ctx.table("compiled engine: whole epochs, one readback each (taken off in ms/step)", rows);
  await eachCell(
    ctx,
    ctx.quick ? QUICK_ENGINE_RUNS : ENGINE_RUNS,
    { name: ([arch, batch]) => `engine ${arch} b${batch}`, seconds: RUN_SECONDS },
    async (cell) => void rows.push(await engineCell(ctx, train, cell, readback.ms)),
  );
}

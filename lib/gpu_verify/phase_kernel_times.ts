/**
 * Phase 4: the GPU time of every dispatch of the compiled engine's step, for the four
 * architectures at batch 64 and 1024, from the adapter's `timestamp-query` (see
 * `_kernel_times.ts`). The phase asks for its own device with the feature (tfjs' device is
 * made without it) and is skipped, saying so, where the adapter does not offer it.
 *
 * @module
 */
import { eachCell } from "./_cells.ts";
import { kernelTimes } from "./_kernel_times.ts";
import { ENGINE_RUNS, engineRowsOf, QUICK_ENGINE_RUNS } from "./phase_engine.ts";
import { KEPT_ADAPTERS } from "./preflight.ts";
import type { PhaseContext, Table } from "./types.ts";

/** Dispatches shown per architecture and batch: the slowest. */
const SHOWN = 8;

/** A device with `timestamp-query` and the adapter's binding limits, or why there is none. */
async function profilingDevice(): Promise<GPUDevice | string> {
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return "no WebGPU adapter";
  KEPT_ADAPTERS.push(adapter); // its info is read through the device later (tuningOf)
  if (!adapter.features.has("timestamp-query")) {
    return "the adapter does not offer timestamp-query";
  }
  return await adapter.requestDevice({
    requiredFeatures: ["timestamp-query"],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
}

/**
 * Phase 4 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function kernelTimesPhase(ctx: PhaseContext): Promise<void> {
  const device = await profilingDevice();
  if (typeof device === "string") {
    ctx.log(`kernel times: skipped: ${device}`);
    return ctx.skip(device);
  }
  const { train } = await ctx.mnist();
  const summary: Table["rows"] = [];
  ctx.table("GPU time of a step (sum of its dispatches) beside phase 1's ms/step", summary);
  await eachCell(
    ctx,
    ctx.quick ? QUICK_ENGINE_RUNS : ENGINE_RUNS,
    { name: ([arch, batch]) => `kernel times ${arch} b${batch}`, seconds: 5 },
    async ([arch, batch]) => {
      const times = await kernelTimes(device, train, { arch, batch, steps: ctx.quick ? 2 : 5 });
      const total = times.reduce((sum, t) => sum + t.microseconds, 0);
      ctx.check(
        `every dispatch of ${arch} b${batch} has a GPU time`,
        times.length > 0 &&
          times.every((t) => Number.isFinite(t.microseconds) && t.microseconds >= 0),
        `${times.length} dispatches, ${total.toFixed(1)} µs in all`,
      );
      const measured = engineRowsOf(ctx).find((r) => r.arch === arch && r.batch === batch);
      summary.push({
        arch,
        batch,
        dispatches: times.length,
        kernelSumMs: total / 1000,
        phase1MsPerStep: measured?.msPerStep ?? null,
      });
      ctx.record(`${arch} b${batch}`, times);
      const slowest = [...times].sort((a, b) => b.microseconds - a.microseconds).slice(0, SHOWN);
      ctx.table(
        `${arch} b${batch}: the ${slowest.length} slowest dispatches`,
        slowest.map((t) => ({ ...t, share: t.microseconds / total })),
      );
      ctx.log(`kernel times: ${arch} b${batch} ${(total / 1000).toFixed(3)} ms of GPU a step`);
    },
  );
}

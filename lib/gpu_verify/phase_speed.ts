/**
 * Phase 8: the tfjs path's training speed (stock tfjs on WebGPU, what models outside the
 * compiled engine's vocabulary train on): cnn-deep at batch 64 and 1024, and all four
 * architectures at their seed batch, beside phase 3's PyTorch rows where the architecture and
 * batch match. Phase 1 has the compiled engine's figures for the same cells.
 *
 * @module
 */
import { type BenchRow, benchTraining } from "../bench/bench_training.ts";
import { ARCHITECTURE_NAMES, getArchitecture } from "../models/architectures.ts";
import type { PhaseContext } from "./types.ts";

type Row = Pick<BenchRow, "arch" | "batch" | "steps" | "msPerStep" | "secondsPerEpoch">;

/** PyTorch's rows from phase 3, when it ran in this run. */
function torchRows(ctx: PhaseContext): Record<string, unknown>[] {
  const rows = ctx.earlier().find((p) => p.id === 3)?.details.pytorch;
  return Array.isArray(rows) ? rows : [];
}

/** The cells a run times: [arch, batch, steps]. */
function cells(quick: boolean): [string, number, number][] {
  // Quick: a CNN's shaders take ~50 s to compile on llvmpipe (cnn-basic, batch 4, measured).
  if (quick) return [["mlp", 16, 4]];
  return [
    ["cnn-deep", 64, 200],
    ["cnn-deep", 1024, 30],
    ...ARCHITECTURE_NAMES.map((a): [string, number, number] => [
      a,
      getArchitecture(a).recipe.batchSize,
      100,
    ]),
  ];
}

/**
 * Phase 8 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function speedPhase(ctx: PhaseContext): Promise<void> {
  const { train } = await ctx.mnist();
  const rows: Row[] = [];
  for (const [arch, batch, steps] of cells(ctx.quick)) {
    if (ctx.secondsLeft() < 20) {
      ctx.record(`out of time before ${arch} b${batch}`, true);
      ctx.log(`speed: out of time before ${arch} b${batch}`);
      break;
    }
    const row = await benchTraining(train, { arch, batchSize: batch, steps, warmupSteps: 2 });
    rows.push(row);
    ctx.log(`speed: ${arch} b${batch} tfjs: ${row.msPerStep.toFixed(2)} ms/step`);
    ctx.check(`${arch} b${batch} trains`, row.msPerStep > 0 && Number.isFinite(row.msPerStep));
  }
  ctx.record("webgpu", rows);
  // Beside phase 3's PyTorch rows where arch and batch match (cnn-deep at 64 and 1024).
  const ratios = torchRows(ctx).flatMap((t) => {
    const ours = rows.find((r) => r.arch === t.arch && r.batch === t.batch);
    return ours
      ? [{
        arch: ours.arch,
        batch: ours.batch,
        tfjsOverTorch: ours.msPerStep / Number(t.msPerStep),
      }]
      : [];
  });
  if (ratios.length > 0) ctx.table("the tfjs path ÷ PyTorch (phase 3)", ratios);
}

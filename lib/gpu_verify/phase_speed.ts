/**
 * Phase 9: the tfjs path's training speed in one run, so ratios compare like with like:
 * cnn-deep at batch 64 and 1024 with the stock kernels, the fast ones, and the fast ones with
 * one kernel kept stock; all four architectures at their seed batch; beside phase 3's
 * PyTorch rows where the architecture and batch match.
 *
 * @module
 */
import { setWebGpuKernels, type WebGpuKernelOptions } from "../backend/webgpu/register_kernels.ts";
import { type BenchRow, benchTraining } from "../bench/bench_training.ts";
import { ARCHITECTURE_NAMES, getArchitecture } from "../models/architectures.ts";
import type { PhaseContext } from "./types.ts";

interface Variant {
  name: string;
  kernels: "stock" | "fast";
  keepStock?: WebGpuKernelOptions["keepStock"];
}

const VARIANTS: Variant[] = [
  { name: "stock", kernels: "stock" },
  { name: "fast", kernels: "fast" },
  { name: "fast, Conv2D stock", kernels: "fast", keepStock: ["Conv2D"] },
  { name: "fast, Conv2DBackpropInput stock", kernels: "fast", keepStock: ["Conv2DBackpropInput"] },
];

type Row = Pick<BenchRow, "arch" | "batch" | "steps" | "msPerStep" | "secondsPerEpoch"> & {
  variant: string;
};

/** PyTorch's rows from phase 3, when it ran in this run. */
function torchRows(ctx: PhaseContext): Record<string, unknown>[] {
  const rows = ctx.earlier().find((p) => p.id === 3)?.details.pytorch;
  return Array.isArray(rows) ? rows : [];
}

/**
 * Phase 9 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function speedPhase(ctx: PhaseContext): Promise<void> {
  const { train } = await ctx.mnist();
  const rows: Row[] = [];
  const time = async (variant: Variant, arch: string, batch: number, steps: number) => {
    if (ctx.secondsLeft() < 20) {
      ctx.record(`out of time before ${arch} b${batch} ${variant.name}`, true);
      return ctx.log(`speed: out of time before ${arch} b${batch}`);
    }
    setWebGpuKernels(variant.kernels, { keepStock: variant.keepStock ?? [] });
    const row = await benchTraining(train, {
      arch,
      batchSize: batch,
      steps,
      warmupSteps: 2,
      fused: variant.kernels === "fast",
    });
    rows.push({ ...row, variant: variant.name });
    ctx.log(`speed: ${arch} b${batch} ${variant.name}: ${row.msPerStep.toFixed(2)} ms/step`);
    ctx.check(
      `${arch} b${batch} ${variant.name} trains`,
      row.msPerStep > 0 && Number.isFinite(row.msPerStep),
    );
  };
  const deep = ctx.quick ? [] : [[64, 200], [1024, 30]];
  for (const [batch, steps] of deep) {
    for (const v of VARIANTS) await time(v, "cnn-deep", batch!, steps!);
  }
  if (ctx.quick) { for (const v of VARIANTS.slice(0, 2)) await time(v, "mlp", 16, 4); }
  // Quick: a CNN's shaders take ~50 s to compile on llvmpipe (cnn-basic, batch 4, measured).
  for (const arch of ctx.quick ? [] : ARCHITECTURE_NAMES) {
    await time(
      VARIANTS[1]!,
      arch,
      ctx.quick ? 4 : getArchitecture(arch).recipe.batchSize,
      ctx.quick ? 2 : 100,
    );
  }
  ctx.record("webgpu", rows);
  // Beside phase 3's PyTorch rows where arch and batch match (cnn-deep at 64 and 1024).
  const ratios = torchRows(ctx).flatMap((t) => {
    const ours = rows.find((r) => r.arch === t.arch && r.batch === t.batch && r.variant === "fast");
    return ours
      ? [{
        arch: ours.arch,
        batch: ours.batch,
        fastOverTorch: ours.msPerStep / Number(t.msPerStep),
      }]
      : [];
  });
  if (ratios.length > 0) ctx.table("the tfjs path (fast kernels) ÷ PyTorch (phase 3)", ratios);
}

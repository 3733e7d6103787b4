/**
 * Phase 5: training speed in one run, so ratios compare like with like: cnn-deep at batch
 * 64 and 1024 with the stock kernels, the fast ones, and the fast ones with one kernel kept
 * stock; all four architectures at their seed batch; and PyTorch on CUDA for the same
 * models when this machine has it (`bench/pytorch_bench.py --device cuda`).
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

/** Pythons to try: the one on PATH, then Debian's (where `python3-torch` installs). */
const PYTHONS = ["python3", "/usr/bin/python3"];

interface Torch {
  python: string;
  device: "cuda" | "cpu";
}

async function torchRows(
  ctx: PhaseContext,
  torch: Torch,
  args: string[],
): Promise<Record<string, unknown>[]> {
  const output = await new Deno.Command(torch.python, {
    args: ["bench/pytorch_bench.py", "--json", "--device", torch.device, ...args],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(Math.max(10, Math.min(120, ctx.secondsLeft() - 60)) * 1000),
  }).output();
  if (output.code !== 0) throw new Error(new TextDecoder().decode(output.stderr).slice(-400));
  return new TextDecoder().decode(output.stdout).trim().split("\n").map((l) => JSON.parse(l));
}

/** The first Python that imports torch, and whether it has CUDA. */
async function findTorch(): Promise<Torch | undefined> {
  for (const python of PYTHONS) {
    try {
      const probe = await new Deno.Command(python, {
        args: ["-c", "import torch; print(torch.cuda.is_available())"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (probe.code !== 0) continue;
      const cuda = new TextDecoder().decode(probe.stdout).trim() === "True";
      return { python, device: cuda ? "cuda" : "cpu" };
    } catch {
      // not installed, or not allowed to run
    }
  }
  return undefined;
}

/**
 * Phase 5 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function speedPhase(ctx: PhaseContext): Promise<void> {
  const { train } = await ctx.mnist();
  const rows: Row[] = [];
  const time = async (variant: Variant, arch: string, batch: number, steps: number) => {
    if (ctx.secondsLeft() < 90) return ctx.log(`speed: out of time before ${arch} b${batch}`);
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
  const found = await findTorch();
  if (found === undefined || (found.device === "cpu" && !ctx.quick)) {
    ctx.record("pytorch", `skipped: ${found ? "no CUDA" : "no python3 with torch"}`);
    return;
  }
  try {
    const torch = ctx.quick
      ? await torchRows(ctx, found, ["--arch", "mlp", "--steps", "3", "--warmup", "1"])
      : [
        ...await torchRows(ctx, found, ["--arch", ARCHITECTURE_NAMES.join(","), "--steps", "100"]),
        ...await torchRows(ctx, found, ["--arch", "cnn-deep", "--batch", "1024", "--steps", "30"]),
      ];
    ctx.record("pytorch", torch);
    const ratios = torch.flatMap((t) => {
      const ours = rows.find((r) =>
        r.arch === t.arch && r.batch === t.batch && r.variant === "fast"
      );
      return ours
        ? [{ arch: t.arch, batch: t.batch, fastOverTorch: ours.msPerStep / Number(t.msPerStep) }]
        : [];
    });
    ctx.record("ratios", ratios);
    ctx.check(
      "the PyTorch reference ran",
      torch.length > 0,
      `${torch.length} rows on ${found.device}`,
    );
  } catch (error) {
    ctx.check("the PyTorch reference ran", false, String(error).slice(0, 300));
  }
}

/**
 * Phase 3: PyTorch beside the compiled engine, in the same run so the ratio compares like
 * with like: `bench/pytorch_bench.py --device cuda` for the four architectures at batch 64
 * and 1024 (phase 1's cells), and engine ms/step ÷ PyTorch ms/step for each cell phase 1
 * measured. Skipped, with every Python's answer recorded, where no PyTorch with CUDA
 * imports (a quick run takes PyTorch on the CPU, at a toy size, to prove the path).
 *
 * @module
 */
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import { findTorch, torchRows } from "./_torch.ts";
import { engineRowsOf } from "./phase_engine.ts";
import type { PhaseContext } from "./types.ts";

/** Timed steps per batch size on CUDA (after 10 warm-up steps). */
const CUDA_STEPS: readonly (readonly [number, number])[] = [[64, 300], [1024, 60]];

/**
 * Phase 3 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function torchPhase(ctx: PhaseContext): Promise<void> {
  const found = await findTorch();
  ctx.record("python", found.attempts);
  const torch = found.torch;
  if (!torch || (torch.device === "cpu" && !ctx.quick)) {
    ctx.log(`pytorch: skipped: ${found.attempts.join("; ")}`);
    return ctx.skip(torch ? "PyTorch has no CUDA here" : "no Python imports torch");
  }
  const rows: Record<string, unknown>[] = [];
  try {
    if (ctx.quick) {
      const args = ["--arch", "mlp", "--batch", "8", "--steps", "3", "--warmup", "1"];
      rows.push(...await torchRows(torch, [...args, "--threads", "1"], 60));
    } else {
      for (const [batch, steps] of CUDA_STEPS) {
        const args = ["--arch", ARCHITECTURE_NAMES.join(","), "--batch", String(batch)];
        const more = ["--steps", String(steps), "--warmup", "10"];
        rows.push(...await torchRows(torch, [...args, ...more], Math.min(150, ctx.secondsLeft())));
      }
    }
  } catch (error) {
    ctx.check("the PyTorch reference ran", false, String(error).slice(0, 400));
    return;
  }
  ctx.check("the PyTorch reference ran", rows.length > 0, `${rows.length} rows on ${torch.device}`);
  ctx.record("pytorch", rows);
  const engine = engineRowsOf(ctx);
  ctx.table(
    `PyTorch ${torch.version} (${torch.device}) beside the compiled engine (phase 1)`,
    rows.map((t) => {
      const ours = engine.find((e) => e.arch === t.arch && e.batch === t.batch);
      const torchMs = Number(t.msPerStep);
      return {
        arch: String(t.arch),
        batch: Number(t.batch),
        torchMsPerStep: torchMs,
        engineMsPerStep: ours?.msPerStep ?? null,
        engineOverTorch: ours ? ours.msPerStep / torchMs : null,
      };
    }),
  );
}

/**
 * Where phase 6's computations run (the `cpu` reference, or webgpu with a kernel variant)
 * and how a result is checked against another.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { forceKernelTuning } from "../backend/webgpu/kernel_plans.ts";
import { setWebGpuKernels } from "../backend/webgpu/register_kernels.ts";
import { download, type Host, relativeError } from "./_parity_ops.ts";
import type { PhaseContext } from "./types.ts";

const TOLERANCE = 1e-4;

/** A kernel set on webgpu: stock, or fast with a tuning plan forced. */
export type Variant = "stock" | "fast(gpu)" | "fast(cpu)";
/** Every variant. */
export const VARIANTS: Variant[] = ["stock", "fast(gpu)", "fast(cpu)"];

/** Runs `compute` on webgpu with a variant's kernels and downloads its outputs. */
export async function onWebGpu(variant: Variant, compute: () => tf.Tensor[]): Promise<Host[]> {
  await tf.setBackend("webgpu");
  setWebGpuKernels(variant === "stock" ? "stock" : "fast");
  forceKernelTuning(variant === "fast(cpu)" ? "cpu" : variant === "fast(gpu)" ? "gpu" : undefined);
  return await download(compute);
}

/** Runs `compute` on the `cpu` backend (the reference) and downloads its outputs. */
export async function onCpu(compute: () => tf.Tensor[]): Promise<Host[]> {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return await download(compute);
}

/** Records a check that `actual` is within 1e-4 relative error of `expected`. */
export function compare(ctx: PhaseContext, name: string, actual: Host, expected: Host): void {
  const error = relativeError(actual, expected);
  ctx.check(name, error <= TOLERANCE, `relative error ${error.toExponential(2)}`);
}

const stockNotes = new WeakMap<PhaseContext, string[]>();

/**
 * Compares a result with tfjs' stock kernel, or the stock kernel with `cpu`, as information:
 * what the stock kernels do is tfjs' business, not the kernel pack's. E.g. stock
 * `MaxPoolGrad` breaks ties between equal window values unlike `cpu` (llvmpipe, 2026-11-28:
 * batch 1024 of 28×28×32 random floats holds 2 tied windows, relative error 0.47; the fast
 * kernel matches `cpu`). A mismatch is listed under the phase's details and logged.
 */
export function noteStock(ctx: PhaseContext, name: string, actual: Host, expected: Host): void {
  const error = relativeError(actual, expected);
  if (error <= TOLERANCE) return;
  let notes = stockNotes.get(ctx);
  if (!notes) {
    stockNotes.set(ctx, notes = []);
    ctx.record("stock tfjs mismatches (information, not failures)", notes);
  }
  notes.push(`${name}: relative error ${error.toExponential(2)}`);
  ctx.log(`parity: ${name} differs (${error.toExponential(2)})`);
}

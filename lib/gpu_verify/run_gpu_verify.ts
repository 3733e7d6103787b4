/**
 * `runGpuVerify`: proves the WebGPU path on the machine it runs on, in phases that each
 * run inside WebGPU error scopes (plus an `uncapturederror` listener), writing the report
 * after the preflight and after every phase so that a run cut short by its time limit still
 * leaves results. A phase starts only when the budget, less its end reserve, still holds
 * the phase's `minSeconds`; otherwise it is recorded as skipped.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../backend/select_backend.ts";
import { guardWebGpuBackend } from "../backend/webgpu/gpu_errors.ts";
import { loadMnist } from "../data/load_mnist.ts";
import type { MnistData } from "../data/types.ts";
import { UsageError } from "../errors.ts";
import { adapterSummary } from "./phase_adapter.ts";
import { GPU_VERIFY_PHASES } from "./phases.ts";
import { preflight } from "./preflight.ts";
import { syntheticMnist } from "./_synthetic_mnist.ts";
import { message, type PhaseBase, runPhase } from "./run_phase.ts";
import type { GpuVerifyReport, PhaseResult, PhaseSpec } from "./types.ts";
import { writeGpuVerifyReport } from "./write_report.ts";

/** Options of {@linkcode runGpuVerify}. */
export interface GpuVerifyOptions {
  /** Output folder for `gpu-verify.json` and `gpu-verify.md`. @default "reports/gpu-verify" */
  out?: string;
  /** Small sizes for a software adapter (CI on llvmpipe). @default false */
  quick?: boolean;
  /** Phase numbers to run. @default all */
  phases?: readonly number[];
  /** Time budget of the whole run, in seconds; phases skip optional work past it. @default 450 */
  budgetSeconds?: number;
  /** Seconds kept free at the end of the budget (report, exit). @default 20 */
  reserveSeconds?: number;
  /** Folder with the MNIST files (raw or .gz). @default "data/mnist" */
  dataDir?: string;
  /** Called with each progress line. */
  onLog?: (line: string) => void;
  /** Called after each phase (the report files are already written). */
  onPhase?: (phase: PhaseResult) => void;
}

/**
 * Runs the verification phases on the WebGPU adapter of this machine and writes the report.
 *
 * Requires `--allow-read` (data, tests, the Vulkan ICD folders), `--allow-write` for `out`,
 * `--allow-run` unrestricted (it runs this `deno` and `python3`; Deno refuses every spawn
 * under a restricted `--allow-run` while `LD_LIBRARY_PATH` is set, as GPU images set it),
 * `--allow-env` (the preflight's variables among them).
 *
 * @param options Output folder, quick mode, phases, time budget.
 * @returns The report (also written to `out`).
 * @throws {UsageError} for a phase number that does not exist.
 * @throws {BackendUnavailableError} when this runtime has no WebGPU adapter.
 *
 * @example
 * ```ts ignore
 * const report = await runGpuVerify({ out: "reports/gpu-verify", quick: true });
 * console.log(report.ok);
 * ```
 */
export async function runGpuVerify(options: GpuVerifyOptions = {}): Promise<GpuVerifyReport> {
  const out = options.out ?? "reports/gpu-verify";
  const quick = options.quick ?? false;
  const wanted = wantedPhases(options.phases);
  const budget = options.budgetSeconds ?? 450;
  const reserve = options.reserveSeconds ?? 20;
  const deadline = performance.now() + (budget - reserve) * 1000;
  const log = options.onLog ?? (() => {});
  const report: GpuVerifyReport = {
    started: new Date().toISOString(),
    quick,
    budget: { seconds: budget, reserveSeconds: reserve },
    adapter: {},
    preflight: await preflight(),
    phases: [],
    finished: false,
    ok: true,
  };
  await writeGpuVerifyReport(out, report);
  const device = await startWebGpu(out, report);
  const base: PhaseBase = {
    quick,
    device,
    verdictFile: `${out}/engine-verdicts.json`,
    log,
    mnist: mnistOnce(quick, options.dataDir),
    secondsLeft: () => (deadline - performance.now()) / 1000,
    earlier: () => report.phases,
    saveWith: (partial: PhaseResult) =>
      writeGpuVerifyReport(out, { ...report, phases: [...report.phases, partial] }).then(() => {}),
  };
  for (const spec of wanted) {
    log(`phase ${spec.id}: ${spec.name}`);
    const result = await runPhase(spec, base);
    report.phases.push(result);
    report.ok &&= result.status !== "failed";
    await writeGpuVerifyReport(out, report);
    options.onPhase?.(result);
  }
  report.finished = true;
  await writeGpuVerifyReport(out, report);
  return report;
}

/** The phases asked for, in their run order; every number must name one. */
function wantedPhases(phases: readonly number[] | undefined): PhaseSpec[] {
  const known = GPU_VERIFY_PHASES.map((p) => p.id);
  const wanted = phases ?? known;
  const unknown = wanted.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown phase ${unknown.join(", ")}: expected some of ${known.join(",")}`,
    );
  }
  return GPU_VERIFY_PHASES.filter((p) => wanted.includes(p.id));
}

/**
 * Makes the webgpu backend active and records its adapter; when it cannot start, the report
 * says why before the error is rethrown.
 */
async function startWebGpu(out: string, report: GpuVerifyReport): Promise<GPUDevice> {
  try {
    await selectBackend("webgpu", { kernels: "fast" });
    guardWebGpuBackend(tf.backend());
  } catch (error) {
    report.ok = false;
    report.adapter = { error: message(error) };
    await writeGpuVerifyReport(out, report);
    throw error;
  }
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  report.adapter = await adapterSummary(device);
  await writeGpuVerifyReport(out, report);
  return device;
}

/** MNIST loaded at most once, on the first phase that asks (synthetic digits when quick). */
function mnistOnce(quick: boolean, dataDir: string | undefined): () => Promise<MnistData> {
  let data: Promise<MnistData> | undefined;
  return () =>
    data ??= quick ? Promise.resolve(syntheticMnist(3000, 500)) : loadMnist({
      dataDir: dataDir ?? "data/mnist",
      cache: false,
      mirrors: [],
    });
}

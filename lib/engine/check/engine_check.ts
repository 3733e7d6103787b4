/**
 * The engine check: one training step of each compiled engine present (wasm, and WebGPU
 * under each tuning asked for) against the float64 reference (`lib/engine/reference/`),
 * reporting the worst relative error of every tensor. `deno task engine-check` prints it;
 * CI runs it for every architecture at batch 64 and 1024 on each WebGPU implementation it
 * can reach.
 *
 * @module
 */
import { type Architecture, layersHash, type OptimizerName } from "../../models/architecture.ts";
import { defaultRecipe } from "../../defaults.ts";
import { planTraining } from "../plan.ts";
import { referenceStep } from "../reference/reference_step.ts";
import { type Tuning, tuningOf } from "../webgpu/_tiles.ts";
import { checkInputs, kerasOptimizer, referenceInput } from "./_check_inputs.ts";
import {
  decodeReference,
  encodeReference,
  NO_REFERENCE_CACHE,
  type ReferenceCache,
} from "./_reference_cache.ts";
import type { CheckDevice } from "./_check_device.ts";
import type { EngineStep, EngineStepInput } from "./_engine_step.ts";
import { compareStep, type TensorError } from "./compare_step.ts";
import { wasmStep } from "./_wasm_step.ts";
import { webgpuStep } from "./_webgpu_step.ts";

export type { TensorError };

/** Largest relative error the check accepts (float32 against float64, one step). */
export const ENGINE_CHECK_TOLERANCE = 1e-3;

/** What to check. */
export interface EngineCheckOptions {
  arch: Architecture;
  batchSize: number;
  /** WebGPU tunings to run (`auto`: the adapter's own). @default ["auto"] */
  tunings?: (Tuning | "auto")[];
  /** Engines to run. @default both, WebGPU where `device` is given */
  engines?: ("wasm" | "webgpu")[];
  /** The WebGPU device and its adapter's description; without one WebGPU is skipped. */
  gpu?: Pick<CheckDevice, "device" | "description"> | null;
  /** @default the architecture's recipe optimizer */
  optimizer?: OptimizerName;
  /** @default 1 */
  seed?: number;
  /**
   * Keeps the screened batch and the reference between runs (see `_reference_cache.ts`;
   * under Deno a folder, `dirReferenceCache`, a fresh one per matrix). @default none
   */
  referenceCache?: ReferenceCache;
  /** The wasm engine's threads. @default `hardwareCpuThreads()` */
  wasmThreads?: number;
  /** WebGPU engines elsewhere (a browser), one per tuning asked for. */
  browser?: (tunings: (Tuning | "auto")[]) => Stepper[];
}

/** One engine as the check runs it: a name, and one step on the check's inputs. */
export interface Stepper {
  engine: "wasm" | "webgpu";
  tuning?: Tuning;
  /** The WebGPU implementation and adapter, for people. */
  adapter?: string;
  run(input: EngineStepInput): Promise<EngineStep>;
}

/** One engine's outcome. */
export interface EngineCheckRow {
  engine: "wasm" | "webgpu";
  /** The WebGPU tuning that ran. */
  tuning?: Tuning;
  /** The WebGPU adapter's description. */
  adapter?: string;
  tensors: TensorError[];
  worst: TensorError;
  ok: boolean;
}

/** The check's outcome for one architecture and batch size. */
export interface EngineCheckReport {
  arch: string;
  batchSize: number;
  optimizer: OptimizerName;
  tolerance: number;
  rows: EngineCheckRow[];
  /** Engines asked for but absent here, with why. */
  skipped: string[];
  ok: boolean;
}

function row(engine: EngineCheckRow["engine"], tensors: TensorError[]): EngineCheckRow {
  const worst = tensors.reduce((a, b) => (Number.isNaN(b.error) || b.error > a.error ? b : a));
  const ok = tensors.every((t) => t.error <= ENGINE_CHECK_TOLERANCE);
  return { engine, tensors, worst, ok };
}

/** The engines `options` asks for, in order; notes in `skipped` those absent here. */
function steppersOf(options: EngineCheckOptions, skipped: string[]): Stepper[] {
  const engines = options.engines ?? ["wasm", "webgpu"];
  const tunings = options.tunings ?? ["auto"];
  const steppers: Stepper[] = [];
  if (engines.includes("wasm")) {
    steppers.push({ engine: "wasm", run: (input) => wasmStep(input, options.wasmThreads) });
  }
  if (!engines.includes("webgpu")) return steppers;
  const gpu = options.gpu;
  if (!gpu && !options.browser) skipped.push("webgpu: no WebGPU adapter in this runtime");
  for (const asked of gpu ? tunings : []) {
    const tuning = asked === "auto" ? tuningOf(gpu!.device) : asked;
    steppers.push({
      engine: "webgpu",
      tuning,
      adapter: gpu!.description,
      run: (input) => webgpuStep(input, gpu!.device, tuning),
    });
  }
  return [...steppers, ...options.browser?.(tunings) ?? []];
}

/**
 * Runs the check.
 *
 * @param options Architecture, batch size, tunings, engines, device.
 * @returns Per engine, the worst error per tensor and whether all are within tolerance.
 * @example
 * ```ts ignore
 * const report = await runEngineCheck({ arch: getArchitecture("mlp"), batchSize: 64, engines: ["wasm"] });
 * ```
 */
export async function runEngineCheck(options: EngineCheckOptions): Promise<EngineCheckReport> {
  const { arch, batchSize } = options;
  const plan = planTraining(arch, batchSize);
  // A user's architecture has no seed recipe: the defaults of `--arch-file` apply.
  const recipe = arch.recipe ?? defaultRecipe();
  const optimizerName = options.optimizer ?? recipe.optimizer;
  const cache = options.referenceCache ?? NO_REFERENCE_CACHE;
  const seed = options.seed ?? 1;
  const key = `${arch.name}-${layersHash(arch)}-b${batchSize}-${optimizerName}-s${seed}`;
  const optimizer = kerasOptimizer(optimizerName, recipe.learningRate);
  const inputs = checkInputs(plan, optimizer, 1, (await cache.read(`${key}-images`)) ?? undefined);
  await cache.write(`${key}-images`, inputs.images);
  const stepInput: EngineStepInput = { arch, plan, inputs, seed };
  const hasDropout = plan.layers.some((l) => l.kind === "dropout" && l.rate > 0);
  // The reference drops what the engine dropped. Every WebGPU run drops alike (one hash),
  // and without dropout every engine keeps everything: one reference per distinct mask.
  const reference = async (engine: string, step: EngineStep) => {
    const refKey = `${key}-reference-${hasDropout ? engine : "all"}`;
    const cached = await cache.read(refKey);
    const hit = cached && decodeReference(cached, plan.paramCount, plan.stateCount);
    if (hit) return hit;
    const ref = referenceStep(referenceInput(plan, inputs, step.keep));
    await cache.write(refKey, encodeReference(ref));
    return ref;
  };
  const rows: EngineCheckRow[] = [];
  const skipped: string[] = [];
  for (const stepper of steppersOf(options, skipped)) {
    const { run: _, ...labels } = stepper;
    try {
      const step = await stepper.run(stepInput);
      const ref = await reference(stepper.engine, step);
      rows.push({ ...row(stepper.engine, compareStep(plan, inputs, step, ref)), ...labels });
    } catch (error) {
      // An engine that cannot run the step (a kernel over a limit, a WebGPU error, a lost
      // browser) fails its row with the reason; the other rows still run.
      const worst = { tensor: `error: ${(error as Error).message.split("\n")[0]}`, error: NaN };
      rows.push({ ...labels, tensors: [worst], worst, ok: false });
    }
  }
  return {
    arch: arch.name,
    batchSize,
    optimizer: optimizerName,
    tolerance: ENGINE_CHECK_TOLERANCE,
    rows,
    skipped,
    ok: rows.length > 0 && rows.every((r) => r.ok),
  };
}
